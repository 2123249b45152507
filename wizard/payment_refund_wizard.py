from odoo import _, models

NOTIFICATION_TYPES = {'done': 'success', 'pending': 'warning', 'error': 'danger'}


class PaymentRefundWizard(models.TransientModel):
    _inherit = 'payment.refund.wizard'

    def action_refund(self):
        """Override of `account_payment` to say what Click did with a refund: reversed, refused, or not
        said yet (then Odoo asks Click again)."""
        res = super().action_refund()
        if len(self) != 1:
            return res
        refunds = self.transaction_id.child_transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.operation == 'refund'
        ).sorted('id')[-1:]
        if not refunds:
            return res
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'title': _("Refund %s", refunds.reference), 'message': refunds.state_message or '', 'sticky': True,
                'type': NOTIFICATION_TYPES.get(refunds.state, 'info'), 'next': {'type': 'ir.actions.act_window_close'},
            },
        }
