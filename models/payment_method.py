from odoo import _, models

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment_click import const


class PaymentMethod(models.Model):
    _inherit = 'payment.method'

    def _get_compatible_payment_methods(self, provider_ids, partner_id, *args, report=None, **kwargs):
        """Override of `payment` to offer Telegram only where a Click provider has its bot connected:
        without one, no payment link could be created."""
        methods = super()._get_compatible_payment_methods(provider_ids, partner_id, *args, report=report, **kwargs)
        telegram = methods.filtered(lambda method: method.code == const.TELEGRAM_PAYMENT_METHOD_CODE)
        if telegram and not self.env['payment.provider'].sudo().search_count([
            ('id', 'in', provider_ids), ('code', '=', 'click'), ('click_telegram_bot_username', '!=', False),
        ], limit=1):
            methods -= telegram
            payment_utils.add_to_report(report, telegram, available=False, reason=_("no Telegram bot connected"))
        return methods
