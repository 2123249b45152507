"""Sale orders no longer get a "Charge with CLICK Pass" button and action made at each registry load:
the counter's menu charges them. The records made by earlier versions go."""
from odoo import SUPERUSER_ID, api

OLD_SALE_BINDINGS = ('payment_click.view_order_form_click_pass', 'payment_click.action_sale_order_click_pass')


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in OLD_SALE_BINDINGS:  # the view first: its button names the action
        if record := env.ref(xmlid, raise_if_not_found=False):
            record.unlink()
