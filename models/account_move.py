from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.merchant import MerchantApiError


class AccountMove(models.Model):
    _inherit = 'account.move'

    click_invoice_id = fields.Char(
        compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
        help="Click's id of the latest invoice sent to the customer's phone for this invoice.",
    )
    click_invoice_phone = fields.Char(
        string="Click Invoice Sent To", compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
    )
    click_invoice_status = fields.Selection(
        compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
        selection=[('waiting', "Waiting for the customer"), ('paid', "Paid"), ('cancelled', "Cancelled")],
    )

    click_refundable = fields.Boolean(
        compute='_compute_click_refundable', compute_sudo=True,
        help="A posted customer credit note owing money, which reverses an invoice paid through Click.",
    )

    click_receipt_transaction_id = fields.Many2one(
        string="Fiscal Receipt Payment", comodel_name='payment.transaction', compute='_compute_click_receipt',
        search='_search_click_receipt_transaction_id',
        help="The Click payment whose fiscal receipt this invoice shows: Click issues one receipt per payment, "
             "made of the invoices it pays or, when it was paid before being invoiced, of its order.",
    )
    click_receipt_state = fields.Selection(related='click_receipt_transaction_id.click_receipt_state')
    click_receipt_payment_id = fields.Char(
        string="Click Payment ID", related='click_receipt_transaction_id.provider_reference',
        help="Click's number of the payment the fiscal receipt belongs to (click_paydoc_id).",
    )
    click_receipt_qr_url = fields.Char(related='click_receipt_transaction_id.click_receipt_qr_url')
    click_receipt_error = fields.Text(related='click_receipt_transaction_id.click_receipt_error')

    # === COMPUTE METHODS === #

    @api.depends('transaction_ids.click_invoice_id', 'transaction_ids.state')
    def _compute_click_invoice(self):
        statuses = {'draft': 'waiting', 'pending': 'waiting', 'authorized': 'paid', 'done': 'paid'}
        for move in self:
            tx = move._click_invoice_transaction()
            move.click_invoice_id = tx.click_invoice_id
            move.click_invoice_phone = tx.click_invoice_phone and f'+{tx.click_invoice_phone}'
            move.click_invoice_status = tx and statuses.get(tx.state, 'cancelled')

    @api.depends('move_type', 'state', 'amount_residual', 'reversed_entry_id.transaction_ids.state')
    def _compute_click_refundable(self):
        for move in self:
            move.click_refundable = move.move_type == 'out_refund' and move.state == 'posted' \
                and not move.currency_id.is_zero(move.amount_residual) \
                and bool(move.reversed_entry_id.transaction_ids.filtered(
                    lambda tx: tx.provider_code == 'click' and tx.state == 'done' and tx.operation != 'refund'))

    @api.depends('transaction_ids.click_receipt_state')
    def _compute_click_receipt(self):
        for move in self:
            move.click_receipt_transaction_id = move.sudo().transaction_ids.filtered(
                'click_receipt_state').sorted('id')[-1:]

    def _search_click_receipt_transaction_id(self, operator, value):
        return [('transaction_ids', operator, value)]

    # === BUSINESS METHODS - REFUNDS AND STATUS SYNC === #

    def action_click_refund_confirm(self):
        """Ask the user to confirm the refund of these credit notes through Click."""
        return {
            'name': _("Refund through Click"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.refund.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_move_ids': self.ids},
        }

    def action_click_refund(self):
        """Refund each credit note through the Click payment of the invoice it reverses.

        Alone, a credit note that cannot be refunded says why at once. Among several, it gets a note
        and a to-do saying why, and the others go on. Each refund is committed before Click is asked
        (see ``payment_transaction_refund.py``), so no savepoint wraps them.
        """
        failures, lines = {}, []
        for credit_note in self:
            try:
                refund_tx = credit_note._click_refund()
            except UserError as error:
                if len(self) == 1:
                    raise
                failures[credit_note] = error.args[0]
                continue
            if refund_tx.state == 'error':
                failures[credit_note] = refund_tx.state_message
            else:  # done, or pending while Click is asked again
                lines.append(_("%(credit_note)s: %(outcome)s", credit_note=credit_note.name,
                               outcome=refund_tx.state_message))
        if len(self) == 1 and failures:
            return self._click_notification(failures[self], notification_type='danger')
        for credit_note, reason in failures.items():
            credit_note._click_note_failure(_("Click refund failed"), reason)
        if failures:
            lines.append(_("Not refunded, see their to-dos: %s.", ', '.join(c.name for c in failures)))
        return self._click_notification(*lines)

    def _click_refund(self):
        """Reverse at Click what this credit note owes; the refund settles it.

        :return: the refund transaction: done, pending (Click's answer was lost) or in error (Click refused)
        """
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
        payment_utils.check_rights_on_recordset(payment)  # then in sudo mode, to read the provider, as core refunds
        return payment.sudo().with_context(click_credit_note_id=self.id)._send_refund_request(
            amount_to_refund=float(amount))

    def _click_portal_refunds(self):
        """The refunds Click made of this invoice's payments, which its customer's portal shows."""
        self.ensure_one()
        return self.sudo().transaction_ids.child_transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.operation == 'refund' and tx.state == 'done'
        ).sorted('id')

    def action_click_sync_status(self):
        """Ask Click about the unfinished Click payments of these invoices, and say what it said."""
        txs = self.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state in ('draft', 'pending')
            and (tx.click_trans_id or tx.operation == 'refund')
        )
        if not txs:
            raise UserError(_("No Click payment of these invoices is waiting for Click."))
        return self._click_notification(*(tx._click_sync_status_message() for tx in txs))

    def _click_notification(self, *lines, notification_type='info'):
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'message': '\n'.join(line for line in lines if line), 'sticky': True, 'type': notification_type,
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    # === BUSINESS METHODS - MERCHANT API: INVOICES BY PHONE === #

    def _click_invoice_transaction(self):
        """The latest of this invoice's payments that went to the customer as a Click invoice."""
        self.ensure_one()
        return self.transaction_ids.filtered('click_invoice_id').sorted('id')[-1:]

    def action_click_send_invoice(self):
        """Open the wizard that bills these invoices to their customers' phones through Click."""
        return {
            'name': _("Send Click Invoices"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.invoice.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'active_model': 'account.move', 'active_ids': self.ids},
        }

    def action_click_invoice_status(self):
        """Ask Click where its invoice stands; once paid, apply the payment as a Complete would."""
        self.ensure_one()
        tx = self._click_invoice_transaction()
        if not tx:
            raise UserError(_("No Click invoice was sent for %s.", self.display_name))
        try:
            answer = tx.provider_id._click_get_merchant_client().invoice_status(tx.click_invoice_id)
        except MerchantApiError as error:
            raise UserError(_("Click could not be asked about its invoice %(invoice)s: %(error)s",
                              invoice=tx.click_invoice_id, error=error)) from error
        status = answer.get('invoice_status')
        lines = [_("Click invoice %(invoice)s: %(note)s (status %(status)s).", invoice=tx.click_invoice_id,
                   note=answer.get('invoice_status_note') or _("no note"), status=status)]
        if status is not None and status > 0 and tx.state in ('draft', 'pending'):  # > 0: paid (SPEC §7.5.2)
            lines.append(tx._click_sync_status_message())
        return self._click_notification(*lines)

    def _click_note_failure(self, summary, reason):
        """Leave ``reason`` as a note and a to-do for the current user on each of these documents."""
        for move in self:
            move.message_post(body=reason, subtype_xmlid='mail.mt_note')
            move.activity_schedule('mail.mail_activity_data_todo', summary=summary, note=reason,
                                   user_id=self.env.user.id)

    # === BUSINESS METHODS - FISCAL RECEIPTS === #

    def _click_receipt_transactions(self):
        """The Click payment of each invoice that carries (or will carry) its fiscal receipt."""
        txs = self.env['payment.transaction']
        for move in self:
            tx = move.click_receipt_transaction_id or move.transaction_ids.filtered(
                'click_needs_receipt').sorted('id')[-1:]
            if not tx:
                raise UserError(_("%s was not paid through Click: it needs no Click fiscal receipt.",
                                  move.display_name))
            txs |= tx
        return txs

    def action_click_send_fiscal_receipt(self):
        """Send the fiscal receipts of these invoices' Click payments now; an issued one is never sent again."""
        return self._click_receipt_transactions().action_click_send_fiscal_receipt()

    def action_click_refresh_fiscal_data(self):
        """Ask Click for the receipts' QR codes now (and send those still queued)."""
        for move in self.filtered(lambda move: not move.click_receipt_state):
            raise UserError(_("%s has no Click fiscal receipt to refresh.", move.display_name))
        return self.click_receipt_transaction_id.action_click_refresh_fiscal_data()

    def action_click_attach_fiscal_receipt(self):
        """Open the wizard that attaches a receipt the merchant's own cash register issued."""
        self.ensure_one()
        return self._click_receipt_transactions().action_click_attach_fiscal_receipt()
