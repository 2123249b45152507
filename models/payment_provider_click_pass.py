from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.payment_click.click_api.merchant import MerchantApiError


class PaymentProvider(models.Model):
    _inherit = 'payment.provider'

    click_pass_cashbox_code = fields.Char(
        string="CLICK Pass Cash Desk",
        help="The cash desk (cashbox_code) CLICK Pass payments are made at, as registered with Click. The "
             "cashier can type another one in the CLICK Pass window.",
    )
    click_pass_confirm_mode = fields.Boolean(
        string="Confirm CLICK Pass Payments",
        help="Click's confirmation mode: Click holds each CLICK Pass payment until Odoo confirms it, which "
             "Odoo does at once, and cancels it after 30 seconds otherwise. Changing it tells Click.",
    )
    def write(self, vals):
        """Override to turn Click's confirmation mode on or off with the option (SPEC §8.3).

        Click is told first, and nothing is saved unless it agrees; a disabled provider tells Click
        nothing.
        """
        if 'click_pass_confirm_mode' in vals:
            enable = bool(vals['click_pass_confirm_mode'])
            for provider in self.filtered(lambda p: p.code == 'click' and p.state != 'disabled'
                                          and p.click_pass_confirm_mode != enable):
                provider._click_pass_set_confirmation(enable)
        return super().write(vals)

    def _click_pass_set_confirmation(self, enable):
        self.ensure_one()
        try:
            self._click_get_merchant_client().set_click_pass_confirmation(enable)
        except MerchantApiError as error:
            raise UserError(_(
                "Click did not turn the CLICK Pass confirmation mode %(state)s for %(provider)s: %(error)s",
                state=_("on") if enable else _("off"), provider=self.name, error=error,
            )) from error
