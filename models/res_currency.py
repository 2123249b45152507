from odoo import api, models
from odoo.tools import ormcache

from odoo.addons.payment_click import const


class ResCurrency(models.Model):
    _inherit = 'res.currency'

    def _click_is_supported(self):
        """Whether Click takes payments in this currency: Uzbek so'm only. The one place that says so."""
        return bool(self) and self.ensure_one().id in self._click_supported_ids()

    @api.model
    @ormcache()
    def _click_supported_ids(self):
        """The ids of the currencies ``const.SUPPORTED_CURRENCIES`` names, kept in the ORM cache
        (every callback asks), cleared when a currency is created or renamed."""
        return frozenset(self.with_context(active_test=False).search([('name', 'in', const.SUPPORTED_CURRENCIES)]).ids)

    @api.model_create_multi
    def create(self, vals_list):
        """Override to clear ``_click_supported_ids``."""
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        """Override to clear ``_click_supported_ids`` when a currency is renamed."""
        if 'name' in vals:
            self.env.registry.clear_cache()
        return super().write(vals)
