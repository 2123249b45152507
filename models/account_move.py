import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api.amounts import TOLERANCE, to_decimal
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

    click_unmatched_note = fields.Char(
        string="Unmatched Click Payments", compute='_compute_click_unmatched_note', compute_sudo=True,
        groups='account.group_account_invoice',
        help="The Click payments received for this invoice that are not matched with it yet. They count as "
             "paid: Click takes no second payment for what they paid.",
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
    click_payment_id = fields.Char(
        string="Click Payment ID", related='click_receipt_transaction_id.provider_reference',
        help="Click's number of the payment the fiscal receipt belongs to (click_paydoc_id).",
    )
    click_receipt_qr_url = fields.Char(related='click_receipt_transaction_id.click_receipt_qr_url')
    click_receipt_qr_image = fields.Binary(string="Fiscal Receipt QR Code", compute='_compute_click_receipt_qr_image')
    click_receipt_error = fields.Text(related='click_receipt_transaction_id.click_receipt_error')

    # === COMPUTE METHODS === #

    @api.depends('transaction_ids.click_invoice_phone', 'transaction_ids.state', 'payment_state')
    def _compute_click_invoice(self):
        """The Click request that paid the invoice, else the latest one; a paid invoice shows no cancelled one."""
        statuses = {'draft': 'waiting', 'pending': 'waiting', 'authorized': 'paid', 'done': 'paid'}
        for move in self:
            tx = move._click_invoice_transaction()
            move.click_invoice_id = tx.click_invoice_id
            move.click_invoice_phone = tx.click_invoice_phone and f'+{tx.click_invoice_phone}'
            status = statuses.get(tx.state, 'cancelled') if tx else False
            move.click_invoice_status = False if status == 'cancelled' and move._click_is_paid() else status

    @api.depends('transaction_ids.state', 'amount_residual')
    def _compute_click_unmatched_note(self):
        for move in self:
            move.click_unmatched_note = ' '.join(move._click_unmatched_message(tx)
                                                 for tx in move._click_unmatched_transactions())

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

    @api.depends('click_receipt_qr_url')
    def _compute_click_receipt_qr_image(self):
        for move in self:
            url = move.click_receipt_qr_url
            move.click_receipt_qr_image = url and base64.b64encode(
                self.env['ir.actions.report'].barcode('QR', url, width=240, height=240)
            )

    def _search_click_receipt_transaction_id(self, operator, value):
        return [('transaction_ids', operator, value)]

    # === BUSINESS METHODS - UNMATCHED CLICK PAYMENTS === #

    def _click_amount_left(self):
        """What is left to pay on this invoice, counted from money as a Click payment of it would (so'm)."""
        self.ensure_one()
        tx = self.env['payment.transaction'].sudo().new({
            'invoice_ids': [fields.Command.set(self.ids)], 'currency_id': self.currency_id.id,
            'company_id': self.company_id.id, 'partner_id': self.partner_id.id,
        })
        left = tx._click_amount_left()
        return max(left, to_decimal(0)) if left is not None else to_decimal(0)

    def _click_unmatched_transactions(self):
        """The booked Click payments of this unpaid invoice that are not (fully) matched with it."""
        self.ensure_one()
        if self.move_type != 'out_invoice' or self.state != 'posted' or self.currency_id.is_zero(self.amount_residual):
            return self.env['payment.transaction']
        return self.sudo().transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state in ('authorized', 'done') and tx.operation != 'refund'
            and tx.is_post_processed and to_decimal(tx._click_unmatched_amount()) > TOLERANCE
        )

    def _click_unmatched_message(self, tx):
        return _(
            "The Click payment %(reference)s (Click %(payment)s, %(amount)s) was received for %(invoice)s but is "
            "not matched with it: match it under Outstanding credits. It counts as paid: Click takes no second "
            "payment for it.", reference=tx.reference, payment=tx.provider_reference or '',
            amount=format_amount(self.env, tx.amount, tx.currency_id), invoice=self.name,
        )

    def _click_ask_to_match(self):
        """Give the accountant a to-do for each Click payment of these invoices that is not matched with
        them, once, and mark done the to-dos of those matched since."""
        for move in self.filtered(lambda move: move.move_type == 'out_invoice'):
            responsible = self.env['payment.transaction']._click_accountant(move.company_id)
            # In the accountant's language, whoever acts: the to-dos are found again by their summary.
            move.with_context(lang=responsible.lang, mail_notify_force_send=False)._click_update_match_to_dos(
                responsible)

    def _click_update_match_to_dos(self, responsible):
        self.ensure_one()
        unmatched = self._click_unmatched_transactions()
        for tx in self.sudo().transaction_ids.filtered(lambda tx: tx.provider_code == 'click'):
            summary = _("Match the Click payment %s", tx.reference)
            to_do = self.env['mail.activity'].search([
                ('res_model', '=', self._name), ('res_id', '=', self.id), ('summary', '=', summary),
            ])
            if tx in unmatched and not to_do:
                self.activity_schedule('mail.mail_activity_data_todo', summary=summary,
                                       note=self._click_unmatched_message(tx), user_id=responsible.id)
            elif to_do and tx not in unmatched:
                to_do.action_feedback(feedback=_("Matched with the invoice."))

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
                lines.append(_("%(credit_note)s: %(outcome)s", credit_note=credit_note.display_name,
                               outcome=refund_tx.state_message))
        if len(self) == 1 and failures:
            return self._click_notification(failures[self], notification_type='danger')
        for credit_note, reason in failures.items():
            credit_note._click_note_and_todo(reason, _("Click refund failed"), self.env.user, once=False)
        if failures:
            lines.append(_("Not refunded, see their to-dos: %s.", ', '.join(c.display_name for c in failures)))
        return self._click_notification(*lines)

    def _click_refund(self):
        """Reverse at Click what this credit note owes; the refund pays it.

        :return: the refund transaction: done, pending (Click's answer was lost) or in error (Click refused)
        """
        self.ensure_one()
        if self.move_type != 'out_refund' or self.state != 'posted':
            raise UserError(_("%s is not a posted customer credit note.", self.display_name))
        if not self.currency_id._click_is_supported():
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
            and (tx.click_trans_id or tx.click_charge_date or tx.operation == 'refund')
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
        """Of this invoice's payments that went to the customer as a Click invoice, the one that paid
        it, else the latest."""
        self.ensure_one()
        txs = self.transaction_ids.filtered('click_invoice_phone').sorted('id')
        return txs.filtered(lambda tx: tx.state in ('authorized', 'done'))[-1:] or txs[-1:]

    def _click_is_paid(self):
        return self.payment_state in ('paid', 'in_payment', 'reversed')

    def _click_withdraw_invoice_requests(self, phone):
        """Withdraw the Click invoices still waiting for this invoice's customer, before a new one goes to ``phone``."""
        self.ensure_one()
        for tx in self.transaction_ids.filtered(lambda tx: tx.click_invoice_phone and tx.state in ('draft', 'pending')):
            tx._click_withdraw_invoice(phone)

    def get_portal_last_transaction(self):
        """Override of `account_payment` to show the customer no Click request that was cancelled
        beside the payment that paid the invoice, or before the request that replaced it."""
        tx = super().get_portal_last_transaction()
        if tx.provider_code != 'click' or tx.state != 'cancel':
            return tx
        txs = self.with_context(active_test=False).transaction_ids.sudo()
        paid = txs.filtered(lambda other: other.state in ('authorized', 'done'))
        if paid:
            return paid._get_last()
        if txs.filtered(lambda other: other.id > tx.id and other.click_invoice_phone and other.state == 'draft'):
            return txs.browse()
        return tx

    def action_click_send_invoice(self):
        """Open the wizard that bills these invoices to their customers' phones through Click."""
        return {
            'name': _("Send Click Invoices"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.invoice.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'active_model': 'account.move', 'active_ids': self.ids, 'dialog_size': 'extra-large'},
        }

    def action_click_invoice_status(self):
        """Ask Click where its invoice stands: once paid, apply the payment as a Complete would; once
        declined or expired, cancel it."""
        self.ensure_one()
        tx = self._click_invoice_transaction()
        if not tx:
            raise UserError(_("No Click invoice was sent for %s.", self.display_name))
        if tx.state not in ('draft', 'pending'):
            raise UserError(_("The Click invoice of %s is no longer waiting for the customer.", tx.reference))
        try:
            message = tx._click_check_with_click()
        except MerchantApiError as error:
            raise UserError(_("Click could not be asked about its invoice %(invoice)s: %(error)s",
                              invoice=tx.click_invoice_id or tx.reference,
                              error=messages.merchant_error(self.env, error))) from error
        return self._click_notification(message)

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
