from odoo import models


class PaymentProvider(models.Model):
    _inherit = 'payment.provider'

    def _archive_linked_tokens(self):
        """Override of `payment`: a disabled provider or one changing mode archives its cards even
        when Click cannot delete them."""
        return super(PaymentProvider, self.with_context(click_tokens_best_effort=True))._archive_linked_tokens()
