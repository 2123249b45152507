"""Prepare a bench database: a Click provider in test mode, and shop orders in so'm, each with its
draft Click transaction, as a website_sale checkout leaves them.

Fed to ``odoo-bin shell`` by tools/bench.sh and tools/burst.sh; ``env`` is the shell's environment.
BENCH_TRANSACTIONS orders are made, their transactions named BENCH_PREFIX-0, BENCH_PREFIX-1, ...
"""
import os

from odoo import Command, fields

BATCH = 500

count = int(os.environ.get('BENCH_TRANSACTIONS', 2000))
prefix = os.environ.get('BENCH_PREFIX', 'BENCH')
uzs = env.ref('base.UZS')
uzs.active = True
env['ir.config_parameter'].set_param('web.base.url', os.environ['BENCH_BASE_URL'])
env['ir.config_parameter'].set_param('web.base.url.freeze', True)
provider = env.ref('payment_click.payment_provider_click')
provider.write({
    'click_merchant_id': '10001', 'click_service_id': '20002', 'click_merchant_user_id': '30003',
    'click_secret_key': 'bench-secret-key', 'state': 'test',
})
website = env['website'].get_current_website()
pricelist = env['product.pricelist'].search([('name', '=', "Bench so'm")], limit=1) or env['product.pricelist'].create({
    'name': "Bench so'm", 'currency_id': uzs.id, 'website_id': website.id, 'sequence': 1,
})
product = env['product.product'].search([('default_code', '=', 'BENCH-TEA')], limit=1) or env['product.product'].create({
    'name': "Bench Tea", 'default_code': 'BENCH-TEA', 'type': 'service', 'list_price': 15000.0,
    'taxes_id': [Command.clear()], 'website_published': True,
})
partner = env.ref('base.partner_admin')
partner.email = partner.email or 'admin@example.com'
for start in range(0, count, BATCH):
    indexes = range(start, min(start + BATCH, count))
    orders = env['sale.order'].create([{
        'partner_id': partner.id, 'pricelist_id': pricelist.id, 'website_id': website.id,
        'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 1, 'price_unit': 15000.0})],
    } for _index in indexes])
    env['payment.transaction'].create([{
        'provider_id': provider.id,
        'payment_method_id': env.ref('payment_click.payment_method_click').id,
        'amount': order.amount_total,
        'currency_id': uzs.id,
        'partner_id': partner.id,
        'reference': f'{prefix}-{index}',
        'operation': 'online_redirect',
        'sale_order_ids': [Command.set(order.ids)],
        'landing_route': '/shop/payment/validate',
    } for index, order in zip(indexes, orders)])
    env.cr.commit()

if os.environ.get('BENCH_PREPARED'):
    # As Click's Prepare leaves them, with the ids tools/bench.py's click_ids gives each index.
    for index in range(count):
        env['payment.transaction'].search([('reference', '=', f'{prefix}-{index}')]).write({
            'click_trans_id': str(7_000_000_000 + index), 'provider_reference': str(8_000_000_000 + index),
            'click_prepare_date': fields.Datetime.now(),
        })
        if index % BATCH == BATCH - 1:
            env.cr.commit()
    env.company.vat = env.company.vat or '123456789'  # the TIN fiscal receipts need
    if os.environ.get('BENCH_NO_ORDER_PDF'):
        # Sale's order confirmation e-mail renders the order's PDF (wkhtmltopdf, seconds per order on a
        # busy machine); a shop can take it off the template, as here, to measure the rest.
        env.ref('sale.mail_template_sale_confirmation').report_template_ids = False
    env.cr.commit()

if sessions_file := os.environ.get('BENCH_SESSIONS_FILE'):
    # Browser sessions whose status page follows one transaction each, as the checkout leaves them: the
    # newest up to BENCH_SESSIONS_LAST, which the post-processing cron takes first.
    from odoo.http import get_default_session, root
    from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing

    step = max(count // int(os.environ.get('BENCH_SESSIONS', 40)), 1)
    with open(sessions_file, 'w') as lines:
        for index in range(int(os.environ.get('BENCH_SESSIONS_LAST', count - 1)), -1, -step):
            session = root.session_store.new()
            session.update(get_default_session(), db=env.cr.dbname)
            session[PaymentPostProcessing.MONITORED_TX_ID_KEY] = env['payment.transaction'].search(
                [('reference', '=', f'{prefix}-{index}')]).id
            root.session_store.save(session)
            lines.write(f'{session.sid} {prefix}-{index}\n')
