from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.merchant import MerchantApiError


class AccountMove(models.Model):
    _inherit = 'account.move'

    def action_click_refund(self):
        """Refund each credit note through the Click payment of the invoice it reverses.

        Alone, a credit note that cannot be refunded says why at once. Among several, it gets a note
        and a to-do saying why, and the others go on.
        """
        failures = {}
        for credit_note in self:
            try:
                with self.env.cr.savepoint():
                    credit_note._click_refund()
            except UserError as error:
                failures[credit_note] = error.args[0]
        if failures and len(self) == 1:
            raise UserError(failures[self])
        for credit_note, reason in failures.items():
            credit_note.message_post(body=reason, subtype_xmlid='mail.mt_note')
            credit_note.activity_schedule('mail.mail_activity_data_todo', summary=_("Click refund failed"),
                                          note=reason, user_id=self.env.user.id)
        refunded = self - self.browse([credit_note.id for credit_note in failures])
        return self._click_notification(
            _("Refunded through Click: %s.", ', '.join(refunded.mapped('name'))) if refunded else '',
            _("Not refunded, see their to-dos: %s.", ', '.join(c.name for c in failures)) if failures else '',
        )

    def _click_refund(self):
        """Reverse at Click what this credit note owes, and reconcile the refund with it."""
        self.ensure_one()
        if self.move_type != 'out_refund' or self.state != 'posted':
            raise UserError(_("%s is not a posted customer credit note.", self.display_name))
        if self.currency_id.name not in const.SUPPORTED_CURRENCIES:
            raise UserError(_("%s is not in so'm; Click refunds so'm only.", self.display_name))
        amount = to_decimal(self.amount_residual)
        if not amount:
            raise UserError(_("%s has nothing left to refund.", self.display_name))
        payments = self.reversed_entry_id.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state == 'done' and tx.operation != 'refund'
        )
        if not payments:
            raise UserError(_(
                "%(credit_note)s reverses %(invoice)s, which was not paid through Click. Refund the "
                "customer by bank transfer instead.",
                credit_note=self.display_name, invoice=self.reversed_entry_id.display_name or _("no invoice"),
            ))
        # The payment of exactly this amount, else the largest one.
        payment = payments.filtered(lambda tx: to_decimal(tx.amount) == amount)[:1] \
            or payments.sorted('amount', reverse=True)[:1]
        refund_tx = payment._send_refund_request(amount_to_refund=float(amount))
        refund_tx.invoice_ids = self
        return refund_tx

    def action_click_sync_status(self):
        """Ask Click about the unfinished Click payments of these invoices, and say what it said."""
        txs = self.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state in ('draft', 'pending') and tx.click_trans_id
        )
        if not txs:
            raise UserError(_("No Click payment of these invoices is waiting for Click."))
        outcomes = []
        for tx in txs:
            try:
                outcomes.append(tx._click_sync_status())
            except MerchantApiError as error:
                outcomes.append(_("Click could not be asked about %(reference)s: %(error)s",
                                  reference=tx.reference, error=error))
        return self._click_notification(*outcomes)

    def _click_notification(self, *lines):
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'message': '\n'.join(line for line in lines if line), 'sticky': True, 'type': 'info',
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }
