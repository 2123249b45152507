from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api.merchant import MerchantApiError


class PaymentProvider(models.Model):
    _inherit = 'payment.provider'

    click_pass_cashbox_code = fields.Char(
        string="CLICK Pass Cash Desk",
        help="The cash desk (cashbox_code) CLICK Pass payments are made at, as registered with Click. The "
             "cashier can type another one in the CLICK Pass window.",
    )
    click_pass_confirm_mode = fields.Boolean(
        string="Confirm CLICK Pass Payments", readonly=True,
        help="Click's confirmation mode, as Click last agreed to it: Click holds each CLICK Pass payment until "
             "Odoo confirms it, which Odoo does at once, and cancels it after 30 seconds otherwise. The "
             "buttons beside it ask Click to turn it on or off.",
    )

    def action_click_pass_confirmation_on(self):
        """Ask Click to hold each CLICK Pass payment for Odoo's confirmation (SPEC §8.3)."""
        return self._click_pass_set_confirmation(True)

    def action_click_pass_confirmation_off(self):
        """Ask Click to stop holding CLICK Pass payments for Odoo's confirmation (SPEC §8.3)."""
        return self._click_pass_set_confirmation(False)

    def _click_pass_set_confirmation(self, enable):
        """Tell Click to turn its confirmation mode on or off, and keep the option only once Click agrees.

        Only this explicit request calls Click: saving the provider calls nobody.
        """
        self.ensure_one()
        state = _("on") if enable else _("off")
        if self.code != 'click' or self.state == 'disabled':
            raise UserError(_("Enable the Click provider, or put it in test mode, before telling Click."))
        try:
            self._click_get_merchant_client().set_click_pass_confirmation(enable)
        except MerchantApiError as error:
            raise UserError(_(
                "Click did not turn the CLICK Pass confirmation mode %(state)s for %(provider)s: %(error)s",
                state=state, provider=self.name, error=messages.merchant_error(self.env, error),
            )) from error
        self.click_pass_confirm_mode = enable
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'type': 'success',
                'message': _("Click turned the CLICK Pass confirmation mode %(state)s for %(provider)s.",
                             state=state, provider=self.name),
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }
