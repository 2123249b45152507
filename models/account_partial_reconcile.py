from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = 'account.partial.reconcile'

    @api.model_create_multi
    def create(self, vals_list):
        """Override of `account` to close the to-do of a Click payment matched with its invoice, from
        wherever it is matched (the invoice's widget, the payment, a bank reconciliation)."""
        partials = super().create(vals_list)
        partials._click_invoices()._click_ask_to_match()
        return partials

    def unlink(self):
        """Override of `account` to ask for a Click payment unmatched from its invoice to be matched again."""
        invoices = self._click_invoices()
        result = super().unlink()
        invoices.exists()._click_ask_to_match()
        return result

    def _click_invoices(self):
        """The customer invoices these partials match that were paid through Click."""
        moves = (self.debit_move_id | self.credit_move_id).move_id
        return moves.filtered(lambda move: move.move_type == 'out_invoice' and any(
            tx.provider_code == 'click' for tx in move.sudo().transaction_ids))
