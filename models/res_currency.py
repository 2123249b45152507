from odoo import models

from odoo.addons.payment_click import const


class ResCurrency(models.Model):
    _inherit = 'res.currency'

    def _click_is_supported(self):
        """Whether Click takes payments in this currency: Uzbek so'm only. The one place that says so."""
        return self.name in const.SUPPORTED_CURRENCIES
