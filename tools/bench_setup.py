"""Prepare a bench database: a Click provider in test mode and payable transactions.

Fed to ``odoo-bin shell`` by tools/bench.sh; ``env`` is the shell's environment.
"""
import os

BENCH_TRANSACTIONS = 2000

env.ref('base.UZS').active = True
env['ir.config_parameter'].set_param('web.base.url', os.environ['BENCH_BASE_URL'])
env['ir.config_parameter'].set_param('web.base.url.freeze', True)
provider = env.ref('payment_click.payment_provider_click')
provider.write({
    'click_merchant_id': '10001', 'click_service_id': '20002', 'click_merchant_user_id': '30003',
    'click_secret_key': 'bench-secret-key', 'state': 'test',
})
env['payment.transaction'].create([{
    'provider_id': provider.id,
    'payment_method_id': env.ref('payment_click.payment_method_click').id,
    'amount': 15000.0,
    'currency_id': env.ref('base.UZS').id,
    'partner_id': env.ref('base.partner_admin').id,
    'reference': f'BENCH-{index}',
    'operation': 'online_redirect',
} for index in range(BENCH_TRANSACTIONS)])
env.cr.commit()
