"""The Telegram payment method joins the existing Click providers, inactive, as a new install has it.

The provider's data is loaded once (noupdate): an upgrade does not add the method to it by itself.
"""
from odoo import SUPERUSER_ID, Command, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    method = env.ref('payment_click.payment_method_click_telegram', raise_if_not_found=False)
    if method:
        providers = env['payment.provider'].search([('code', '=', 'click')])
        providers.write({'payment_method_ids': [Command.link(method.id)]})
