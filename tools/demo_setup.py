"""Shape a fresh demo database for trying Click: a company in Tashkent selling in so'm, the
website in English, Russian and Uzbek, Click in test mode, and a day of Click payments with Click's
payout of them waiting to be settled.

Fed to ``odoo-bin shell`` by tools/run.sh; ``env`` is the shell's environment.
"""
import json
import os
import secrets
from datetime import timedelta
from decimal import Decimal

from odoo import Command, fields

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.shop_client import ShopClient
from odoo.addons.payment_click.click_api.signing import COMPLETE, PREPARE
from odoo.addons.payment_click.click_api.telegram import ALLOWED_UPDATES

SOM_PER_DOLLAR = 12800  # the demo data's prices are meant for dollars


def som(dollars):
    return round(dollars * SOM_PER_DOLLAR, -3)  # whole thousands of so'm


uzs = env.ref('base.UZS')
uzs.symbol = "so'm"  # Odoo's data gives UZS the lev's symbol
# Uzbekistan has no accounting localization: Odoo installs its generic chart, which sets the
# company's currency to USD (and its fiscal country to the US, kept for the chart's taxes).
company = env.ref('base.main_company')
# Odoo's demo company lies in California: its state goes. Tashkent city (UZ-TK) replaces it where Odoo
# knows Uzbekistan's regions; Odoo 18 knows none, and the address then has no state.
tashkent = env['res.country.state'].search([
    ('country_id', '=', env.ref('base.uz').id), '|', ('code', '=', 'TK'), ('name', '=ilike', 'Tashkent city'),
], limit=1)
company.write({
    'state_id': tashkent.id,
    'currency_id': uzs.id,
    'street': "Amir Temur ko'chasi 107B",
    'city': "Tashkent",
    'zip': '100084',
    'country_id': env.ref('base.uz').id,
    'phone': '+998 71 200 00 00',
})
env.ref('base.USD').active = False  # nothing is in dollars any more
# Uzbekistan has two time zones, so Odoo set none.
env['res.users'].with_context(active_test=False).search([]).tz = const.CLICK_TIMEZONE

# Prices in so'm: the products, their variants' and combos' extras, the demo orders, delivery.
for template in env['product.template'].with_context(active_test=False).search([]):
    template.list_price = som(template.list_price)
for variant in env['product.product'].with_context(active_test=False).search([]):
    variant.standard_price = som(variant.standard_price)
for value in env['product.template.attribute.value'].search([('price_extra', '!=', 0)]):
    value.price_extra = som(value.price_extra)
for item in env['product.combo.item'].search([('extra_price', '!=', 0)]):
    item.extra_price = som(item.extra_price)
for line in env['sale.order.line'].search([]):
    line.price_unit = som(line.price_unit)
# Delivery methods: the fixed prices follow their products; the free-over thresholds and rules not.
for carrier in env['delivery.carrier'].with_context(active_test=False).search([]):
    carrier.amount = som(carrier.amount)
for rule in env['delivery.price.rule'].search([]):
    rule.write({
        'list_base_price': som(rule.list_base_price), 'list_price': som(rule.list_price),
        'max_value': som(rule.max_value) if rule.variable == 'price' else rule.max_value,
    })
# The demo pricelists are for European visitors (one in euros, where Click is not offered);
# without them the shop sells in the company's currency.
env['res.config.settings'].create({'group_product_pricelist': False}).execute()

# Russian ships with Odoo; the module added Uzbek, inactive. Install both with every installed
# module's terms and offer them on the websites, as Settings > Languages > Add Languages does.
languages = env['res.lang'].with_context(active_test=False).search([('code', 'in', ['ru_RU', 'uz_UZ'])])
env['base.language.install'].create({
    'lang_ids': languages.ids, 'overwrite': True, 'website_ids': env['website'].search([]).ids,
}).lang_install()

env['ir.config_parameter'].set_param('web.base.url', os.environ['DEMO_BASE_URL'])
env['ir.config_parameter'].set_param('web.base.url.freeze', True)
click = env.ref('payment_click.payment_provider_click')
click.write({
    'click_merchant_id': '10001',
    'click_service_id': '20002',
    'click_merchant_user_id': '30003',
    'click_secret_key': 'demo-secret-key',
    'state': 'test',
    'is_published': True,
})
# Uzbek VAT: 12 %, included in prices. The generic chart's sales tax (15 %, on top) gives way to a copy
# of it at 12 %, included in the price, on the company and on every product sold (the demo data gives
# them none); the shop shows prices VAT included: what a product costs is what Click debits.
generic_vat = company.account_sale_tax_id
uzbek_vat = generic_vat.copy({
    'name': "QQS 12%", 'amount': 12, 'description': "12%", 'price_include_override': 'tax_included',
    'invoice_label': "QQS 12%", 'tax_group_id': generic_vat.tax_group_id.copy({'name': "QQS 12%"}).id,
})
company.account_sale_tax_id = uzbek_vat
env['website'].search([]).show_line_subtotals_tax_selection = 'tax_included'
# Fiscal receipts: the company's TIN and every product's IKPU and package code (made up, but shaped
# like the tax office's classifier), so that an invoice paid through Click shows its receipt's QR code.
company.vat = '301234567'
env['product.template'].with_context(active_test=False).search([('sale_ok', '=', True)]).write({
    'click_spic': '10399001001000000',
    'click_package_code': '1501459',
    'taxes_id': [(6, 0, uzbek_vat.ids)],
})

# A day of Click payments and Click's payout of them, to try a settlement: yesterday's invoices paid
# through Click's signed Prepare and Complete, and this morning's bank credit from Click, net of 2 %.
provider = click
provider._click_setup_settlement()
shop = ShopClient(None, None, provider.click_service_id, provider.click_secret_key)
Transaction = env['payment.transaction']
today = fields.Date.context_today(provider)
yesterday = today - timedelta(days=1)
product = env['product.product'].search([('sale_ok', '=', True), ('list_price', '>', 0)], limit=1)
gross = Decimal(0)
for partner_ref, quantity in [('base.res_partner_2', 1), ('base.res_partner_3', 2), ('base.res_partner_4', 3)]:
    invoice = env['account.move'].create({
        'move_type': 'out_invoice', 'partner_id': env.ref(partner_ref).id, 'invoice_date': yesterday,
        'currency_id': uzs.id,
        'invoice_line_ids': [Command.create({'product_id': product.id, 'quantity': quantity})],
    })
    invoice.action_post()
    tx = Transaction.create({
        'provider_id': provider.id, 'payment_method_id': env.ref('payment_click.payment_method_click').id,
        'reference': Transaction._compute_reference('click', invoice_ids=[Command.set(invoice.ids)]),
        'amount': invoice.amount_total, 'currency_id': uzs.id, 'partner_id': invoice.partner_id.id,
        'invoice_ids': [Command.set(invoice.ids)],
        # Paid on Click's payment page. Without an operation, core takes the payment for a partial capture
        # of a (missing) source transaction and matches it with that one's invoices: none.
        'operation': 'online_redirect',
    })
    prepared = shop.build_form(PREPARE, tx.reference, tx.amount)
    Transaction._click_answer_callback(list(prepared.items()))
    env['payment.click.emulator.payment'].create({  # what Click knows of it, for refunds and fiscal receipts
        'provider_id': provider.id, 'payment_id': prepared['click_paydoc_id'],
        'click_trans_id': prepared['click_trans_id'], 'merchant_trans_id': tx.reference, 'amount': tx.amount,
        'payment_date': fields.Datetime.now() - timedelta(days=1), 'payment_status': 2,
    })
    Transaction._click_answer_callback(list(shop.build_form(
        COMPLETE, tx.reference, tx.amount, merchant_prepare_id=tx.id,
        click_trans_id=prepared['click_trans_id'], click_paydoc_id=prepared['click_paydoc_id'],
    ).items()))
    tx._create_payment(date=yesterday)  # booked yesterday, as if Click had paid then
    tx._post_process()
    gross += Decimal(str(tx.amount))
payout = env['account.bank.statement.line'].create({
    'journal_id': provider.click_settlement_journal_id.id, 'date': today,
    'amount': float(to_decimal(gross * (100 - Decimal(str(provider.click_fee_rate))) / 100)),
    'payment_ref': f"CLICK UZBEKISTAN MChJ: payout for {yesterday}",
    'partner_id': provider.click_partner_id.id,
})
draft = env['payment.click.settlement'].create({'provider_ids': provider.ids, 'statement_line_id': payout.id})
draft.action_propose()


def post_desk_invoice(partner_xmlid, price):
    """Post an invoice of one Customizable Desk to a demo customer."""
    invoice = env['account.move'].create({
        'move_type': 'out_invoice',
        'partner_id': env.ref(partner_xmlid).id,
        'invoice_line_ids': [(0, 0, {'product_id': env.ref('product.product_product_4').id, 'quantity': 1,
                                     'price_unit': price})],
    })
    invoice.action_post()
    return invoice


# CLICK Pass at the counter: a cash desk, and a posted invoice to charge with the code that the
# emulated Click app shows.
provider.click_pass_cashbox_code = 'KASSA-1'
counter_invoice = post_desk_invoice('base.res_partner_12', 1_500_000)  # Azure Interior

# Telegram: a bot in test mode (a made-up token the emulated Telegram knows), connected as Connect Telegram
# bot would connect it, and the Telegram payment method enabled; an invoice waits for its payment link.
telegram_method = env.ref('payment_click.payment_method_click_telegram')
provider.write({
    'click_telegram_bot_token': '7000000001:AAdemoBotTokenOfTheClickEmulator_01',
    'click_telegram_provider_token': '398062629:TEST:demo_click_terminal',
    'payment_method_ids': [Command.link(telegram_method.id)],
})
telegram_method.active = True
bot = env['payment.click.emulator.telegram.bot']._of_token(provider.click_telegram_bot_token)
webhook_secret = secrets.token_urlsafe(const.TELEGRAM_SECRET_BYTES)
bot.write({'webhook_url': provider._click_telegram_webhook_url(), 'webhook_secret': webhook_secret,
           'allowed_updates': json.dumps(list(ALLOWED_UPDATES))})
provider.write({'click_telegram_webhook_secret': webhook_secret, 'click_telegram_bot_username': bot.username})
telegram_invoice = post_desk_invoice('base.res_partner_3', 750_000)  # Gemini Furniture
env.cr.commit()
print("Click is in test mode; the company is in Tashkent and sells in so'm.")
print(f"Invoicing > Click > Click Settlements: {draft.name} waits for validation.")
print(f"CLICK Pass: open {counter_invoice.name} (Invoicing > Customers > Invoices), press Charge with "
      f"CLICK Pass and type the code of {os.environ['DEMO_BASE_URL']}/payment/click/emulator/app")
print(f"Telegram: open {telegram_invoice.name}, press Action > Send Telegram payment link, open the link shown on "
      f"the invoice and press Pay on the emulated Telegram payment sheet (@{bot.username}, test mode).")
