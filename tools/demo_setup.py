"""Shape a fresh demo database for trying Click: so'm prices and Click in test mode.

Fed to ``odoo-bin shell`` by tools/run.sh; ``env`` is the shell's environment.
"""
import os

uzs = env.ref('base.UZS')
uzs.active = True
uzs.symbol = "so'm"  # Odoo's data gives UZS the lev's symbol
company = env.company
# Odoo's rates say how many so'm one unit of the company currency buys.
env['res.currency.rate'].create({'currency_id': uzs.id, 'rate': 12800.0, 'company_id': company.id})
# The shop shows the prices of its first pricelist: one in so'm, ahead of the demo ones.
env['res.config.settings'].create({'group_product_pricelist': True}).execute()
env['product.pricelist'].search([]).action_archive()
env['product.pricelist'].create({
    'name': "Uzbek so'm", 'currency_id': uzs.id, 'sequence': 1, 'website_id': env['website'].search([], limit=1).id,
})
env['ir.config_parameter'].set_param('web.base.url', os.environ['DEMO_BASE_URL'])
env['ir.config_parameter'].set_param('web.base.url.freeze', True)
env.ref('payment_click.payment_provider_click').write({
    'click_merchant_id': '10001',
    'click_service_id': '20002',
    'click_merchant_user_id': '30003',
    'click_secret_key': 'demo-secret-key',
    'state': 'test',
    'is_published': True,
})
env.cr.commit()
print("Click is in test mode; prices are in so'm.")
