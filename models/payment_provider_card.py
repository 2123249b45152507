from odoo import api, models


class PaymentProvider(models.Model):
    _inherit = 'payment.provider'

    @api.depends('code', 'click_partial_refund')
    def _compute_feature_support_fields(self):  # pylint: disable=missing-return  # computes return nothing
        """Override of `payment` to save Click cards as tokens (SPEC §7.5.7-10)."""
        super()._compute_feature_support_fields()
        self.filtered(lambda p: p.code == 'click').support_tokenization = True

    def _archive_linked_tokens(self):
        """Override of `payment`: a disabled provider or one changing mode archives its cards even
        when Click cannot delete them."""
        return super(PaymentProvider, self.with_context(click_tokens_best_effort=True))._archive_linked_tokens()
