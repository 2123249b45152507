"""Refunds by reversal (SPEC §7.5.5-6), through core's refund door.

Click's status is asked before each reversal: a reversal Click already made is booked, never asked
again. Otherwise the refund transaction core creates is committed pending before Click is asked; an
answer that is lost leaves it pending, and the status sync resolves it from Click's status. Nobody is
told that nothing was refunded unless Click's status says so.

Every word of Click on a reversal (its answer, its status asked after a refusal, before a reversal or
by the status sync) enters through core's door, ``_handle_notification_data('click', data)``, with
``data`` made by ``_click_reversal_data``; ``_click_apply_reversal`` applies it on the locked refund.
"""
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import merchant, shop
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.merchant import MerchantApiError, Reversal

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    # === BUSINESS METHODS - REFUND REQUEST === #

    def _send_refund_request(self, amount_to_refund=None):
        """Override of `payment` to reverse the payment at Click (SPEC §7.5.5-6).

        The refund pays the credit note given in the context (``click_credit_note_id``), else a
        posted credit note of the payment's invoices owing exactly the amount.

        :raise UserError: when the payment cannot be reversed; nothing is recorded then
        """
        if self.provider_code != 'click':
            return super()._send_refund_request(amount_to_refund=amount_to_refund)
        self.ensure_one()
        self._click_lock_for_refund()
        amount = to_decimal(amount_to_refund or self.amount)
        left = self._click_check_refundable(amount)
        already_reversed = self._click_ask_reversal_before_refund()
        if already_reversed:  # Click reversed it earlier (a lost answer, Click's cabinet): book it, ask nothing
            amount = left
        refund_tx = super()._send_refund_request(amount_to_refund=float(amount))
        credit_note = self.env['account.move'].browse(self.env.context.get('click_credit_note_id')) \
            or self._click_credit_note_owing(amount)
        refund_tx.write({'provider_reference': self.provider_reference, 'invoice_ids': credit_note.ids})
        if already_reversed:
            refund_tx._click_handle_reversal(Reversal.DONE, _(
                "Click had reversed the payment %(reference)s already: its refund of %(amount)s is booked, and "
                "Click was not asked again.", reference=self.reference, amount=refund_tx._click_refund_amount_text(),
            ))
            return refund_tx
        refund_tx._set_pending(state_message=_("Click was asked to reverse %s.", refund_tx._click_refund_amount_text()))
        self._click_commit()  # the refund is on record before Click reverses
        refund_tx._click_request_reversal()
        return refund_tx

    def _click_lock_for_refund(self):
        """Lock this payment until commit, so that refunds of it take turns.

        The row is updated, not just locked: under REPEATABLE READ a refund that waited then fails to
        serialize, and Odoo replays it; the replay sees the refund recorded before it.
        """
        self.env.cr.execute(SQL(
            "UPDATE payment_transaction SET write_date = write_date WHERE id = %s", self.id,
        ), log_exceptions=False)  # a serialization failure here is expected and replayed
        self.invalidate_recordset()

    def _click_check_refundable(self, amount):
        """Refuse, saying why and what to do instead, a reversal Click would refuse (SPEC §7.5.5).

        :return: what is left to reverse of this payment
        """
        self.ensure_one()
        instead = _("Refund the customer by bank transfer instead.")
        if self.state != 'done' or self.operation == 'refund' or not self.provider_reference:
            raise UserError(_("Only a Click payment that went through can be reversed; %s did not.",
                              self.reference) + ' ' + instead)
        refunds = self._click_refunds()
        under_way = refunds.filtered(lambda tx: tx.state in ('draft', 'pending', 'authorized'))
        if under_way:
            raise UserError(_(
                "The reversal %(refund)s of %(reference)s is under way: Click has not said yet whether it reversed "
                "the payment. Odoo asks Click shortly; press Check with Click on %(refund)s to ask now.",
                refund=under_way[0].reference, reference=self.reference,
            ))
        left = self._click_left_to_reverse()
        if amount > left:
            raise UserError(_("Only %(left)s of %(reference)s is left to reverse.", reference=self.reference,
                              left=format_amount(self.env, float(left), self.currency_id)) + ' ' + instead)
        if amount != to_decimal(self.amount) and not self.provider_id.sudo().click_partial_refund:
            raise UserError(_(
                "Click reverses a payment in full only (%(amount)s for %(reference)s). Refund part of it by "
                "bank transfer, or allow partial reversals on the Click provider.",
                amount=format_amount(self.env, self.amount, self.currency_id), reference=self.reference,
            ))
        tashkent = self.with_context(tz=const.CLICK_TIMEZONE)
        paid_at = fields.Datetime.context_timestamp(tashkent, self.last_state_change)
        now = fields.Datetime.context_timestamp(tashkent, fields.Datetime.now())
        if not merchant.reversal_allowed(paid_at, now):
            raise UserError(_(
                "Click reverses payments of the current month only (and last month's on the 1st); %(reference)s "
                "was paid on %(date)s.", reference=self.reference, date=format_date(self.env, paid_at.date()),
            ) + ' ' + instead)
        return left

    def _click_refunds(self):
        return self.child_transaction_ids.filtered(lambda tx: tx.operation == 'refund')

    def _click_left_to_reverse(self):
        """What Click has not reversed of this payment, by the refunds booked."""
        done = self._click_refunds().filtered(lambda tx: tx.state == 'done')
        return to_decimal(self.amount) + to_decimal(sum(done.mapped('amount')))

    def _click_ask_reversal_before_refund(self):
        """Ask Click whether it reversed this payment already.

        :return: True when Click reports the payment reversed, False when it reports it paid
        :raise UserError: when Click could not be asked, or reports anything else; nothing is asked of it then
        """
        try:
            status = self.provider_id.sudo()._click_get_merchant_client().payment_status(self.provider_reference)
        except MerchantApiError as error:
            raise UserError(_(
                "Click could not be asked whether it reversed %(reference)s already (%(error)s), so it was not "
                "asked to reverse it. Try again in a few minutes.", reference=self.reference,
                error=messages.merchant_error(self.env, error),
            )) from error
        state = merchant.reversal_state(status.get('payment_status'))
        if state is Reversal.UNKNOWN:
            raise UserError(_(
                "Click reports the payment %(reference)s with status %(status)s, not as paid, so it was not asked "
                "to reverse it. Check the payment in Click's merchant cabinet.",
                reference=self.reference, status=status.get('payment_status'),
            ))
        return state is Reversal.DONE

    def _click_credit_note_owing(self, amount):
        """A posted credit note of this payment's invoices that owes exactly ``amount`` and that no other
        refund under way pays."""
        paid_by_refunds = self._click_refunds().filtered(lambda tx: tx.state in ('pending', 'done')).invoice_ids
        return (self.invoice_ids.reversal_move_ids - paid_by_refunds).filtered(
            lambda move: move.state == 'posted' and to_decimal(move.amount_residual) == amount
        )[:1]

    # === BUSINESS METHODS - REVERSAL (on the refund transaction) === #

    def _click_request_reversal(self):
        """Ask Click to reverse this refund's amount; its answer enters through the door."""
        self.ensure_one()
        source = self.source_transaction_id
        amount = -to_decimal(self.amount)
        client = self.provider_id.sudo()._click_get_merchant_client()
        try:
            if amount == to_decimal(source.amount):
                client.reverse_payment(source.provider_reference)
            else:
                client.partial_reverse_payment(source.provider_reference, amount)
        except MerchantApiError as error:
            if merchant.outcome_unknown(error):
                message = _(
                    "Click did not say whether it reversed %(amount)s of %(reference)s (%(error)s). Odoo asks Click "
                    "shortly and books the refund once Click tells: do not refund the customer in any other way "
                    "meanwhile.", amount=self._click_refund_amount_text(), reference=source.reference,
                    error=messages.merchant_error(self.env, error),
                )
                if amount != source._click_left_to_reverse():  # Click's status shows a full reversal only
                    message += ' ' + _("A partial reversal leaves the payment paid at Click: only Click's merchant "
                                       "cabinet tells whether this one happened.")
                self._click_handle_reversal(Reversal.UNKNOWN, message)
            else:
                self._click_handle_refusal(error, client)
            return
        self._click_handle_reversal(Reversal.DONE, _("Click reversed %s.", self._click_refund_amount_text()))

    def _click_handle_refusal(self, error, client):
        """Ask Click's status of the payment after it refused to reverse it: the refusal does not tell whether
        it had reversed it already."""
        source = self.source_transaction_id
        try:
            state = merchant.reversal_state(client.payment_status(source.provider_reference).get('payment_status'))
        except MerchantApiError:
            state = Reversal.UNKNOWN
        if state is Reversal.DONE:
            message = _(
                "Click refused to reverse %(reference)s again (%(error)s): it had reversed it already. The refund of "
                "%(amount)s is booked.", reference=source.reference, error=messages.merchant_error(self.env, error),
                amount=self._click_refund_amount_text(),
            )
        elif state is Reversal.NOT_DONE:
            message = _(
                "Click did not reverse the payment %(reference)s: %(error)s Click reports the payment as still paid, "
                "so nothing was refunded; you can refund the customer by bank transfer instead.",
                reference=source.reference, error=messages.merchant_error(self.env, error),
            )
        else:
            message = _(
                "Click refused to reverse %(reference)s (%(error)s), but could not be asked whether the payment is "
                "still paid. Odoo asks Click shortly: do not refund the customer in any other way meanwhile.",
                reference=source.reference, error=messages.merchant_error(self.env, error),
            )
        self._click_handle_reversal(state, message)

    def _click_handle_reversal(self, state, note=None):
        """Pass Click's word on this refund's reversal through the payment framework's door.

        :param Reversal state: what Click's answer tells of the reversal
        :param str note: what to record on the refund and its documents; without it, an unknown outcome
                         changes nothing
        """
        self.env['payment.transaction']._handle_notification_data('click', self._click_reversal_data(state, note))

    def _click_reversal_data(self, state, note=None):
        """The notification data of Click's word on this refund's reversal.

        - ``source``: ``'reversal'``;
        - ``reference``, ``provider_id``: the refund transaction;
        - ``payment_id``: Click's id (an integer) of the payment reversed;
        - ``reversal``: ``'done'``, ``'not_done'`` or ``'unknown'`` (the values of ``merchant.Reversal``);
        - ``note``: what to record on the refund and its documents, or None.
        """
        self.ensure_one()
        return self._click_notification(
            'reversal', payment_id=shop.read_id(self.source_transaction_id.provider_reference or ''),
            reversal=state.value, note=note,
        )

    def _click_apply_reversal(self, data):
        """Apply Click's word on this refund's reversal (``_click_reversal_data``), under the refund's row lock.

        Done books it, not done puts it in error, unknown leaves it pending with the note. A refund resolved
        meanwhile (a replayed request, the status sync) is left as it is.
        """
        self.ensure_one()
        if data['payment_id'] != shop.read_id(self.source_transaction_id.provider_reference or ''):
            raise ValidationError(_("Click's answer on the reversal of payment %(payment)s is not about %(refund)s.",
                                    payment=data['payment_id'], refund=self.reference))
        if self.state not in ('draft', 'pending'):
            _logger.info("Click reversal %s is resolved already (%s): left as it is", self.reference, self.state)
            return
        state, note = Reversal(data['reversal']), data.get('note')
        if state is Reversal.DONE:
            self._click_book_reversal(note)
        elif state is Reversal.NOT_DONE:
            self._set_error(note)
            self._click_refund_note(note)
        elif note:
            self._set_pending(state_message=note, extra_allowed_states=('pending',))
            self._click_refund_note(note)
            _logger.info("Click reversal %s left for the status sync: %s", self.reference, note)

    def _click_book_reversal(self, message):
        """Book the reversal Click made: the refund is done and its payment pays a credit note, else a
        to-do says which credit note to make. A to-do asks for the refund's fiscal receipt."""
        self.ensure_one()
        if not self.invoice_ids:
            self.invoice_ids = self._click_make_credit_note()
        self._set_done(state_message=message)
        self._post_process()  # booked at once: the credit note shows it paid, and is not refunded twice
        if not self.invoice_ids:
            self._click_refund_todo(_("Click refund: make its credit note"), _(
                "%(message)s No credit note owed this amount: create a credit note of %(amount)s for %(documents)s "
                "and reconcile it with the refund payment %(payment)s.", message=message,
                amount=self._click_refund_amount_text(), payment=self.payment_id.name or self.reference,
                documents=self._click_refund_documents_name(),
            ))
        source = self.source_transaction_id
        if source.click_receipt_state in ('sent', 'done'):
            url = f' ({source.click_receipt_qr_url})' if source.click_receipt_qr_url else ''
            self._click_refund_todo(_("Click refund: issue its fiscal receipt"), _(
                "Click reversed %(amount)s of %(reference)s, whose fiscal receipt Click issued%(url)s. Click's fiscal "
                "receipts have no refund receipt: issue a refund receipt of %(amount)s for %(documents)s from your "
                "cash register.", amount=self._click_refund_amount_text(), reference=source.reference, url=url,
                documents=self._click_refund_documents_name(),
            ))

    def _click_make_credit_note(self):
        """Reverse in full, with a posted credit note, the one invoice this refund gives all the money back for."""
        source = self.source_transaction_id
        invoices = source.invoice_ids.filtered(lambda move: move.move_type == 'out_invoice' and move.state == 'posted')
        if len(invoices) != 1 or to_decimal(invoices.amount_total) != -to_decimal(self.amount):
            return self.env['account.move']
        credit_note = invoices._reverse_moves([{
            'ref': _("Refunded through Click: %s", source.reference),
            'invoice_date': fields.Date.context_today(self),
        }])
        credit_note.action_post()
        return credit_note

    def _click_refund_documents(self):
        """The documents the refunded payment paid (the customer, when there are none)."""
        documents = self.source_transaction_id._click_linked_documents()
        return [doc for docs in documents for doc in docs] or [self.partner_id]

    def _click_refund_documents_name(self):
        return ', '.join(doc.display_name for doc in self._click_refund_documents())

    def _click_refund_note(self, message):
        for record in self._click_refund_documents() + list(self.invoice_ids):
            record.message_post(body=message, subtype_xmlid='mail.mt_note')

    def _click_refund_todo(self, summary, note):
        """Leave ``note`` and a to-do on the refunded documents, for the user who refunded (else the accountant);
        each refund gets its own, even where an earlier refund's to-do is still open."""
        user = self.env.user if self.env.uid != SUPERUSER_ID and self.env.user._is_internal() \
            else self._click_accountant()
        for record in self._click_refund_documents():
            record._click_note_and_todo(note, summary, user, once=False)

    def _click_refund_amount_text(self):
        return format_amount(self.env, -self.amount, self.currency_id)

    # === BUSINESS METHODS - STATUS SYNC OF REFUNDS === #

    @api.model
    def _cron_click_sync_status(self):
        """Override of the Click status sync to resolve, too, the refunds whose reversal Click did not confirm."""
        result = super()._cron_click_sync_status()
        for provider in self.env['payment.provider'].search([('code', '=', 'click')]):
            refunds = self.search([
                ('provider_id', '=', provider.id), ('operation', '=', 'refund'), ('state', '=', 'pending'),
                ('last_state_change', '<', fields.Datetime.now() - timedelta(minutes=provider.click_sync_delay)),
            ])
            for refund in refunds:
                try:
                    refund._click_sync_refund()
                except MerchantApiError as error:
                    _logger.info("Click status of the refund %s left for the next run: %s", refund.reference, error)
                self._click_commit()  # each refund resolved on its own
        return result

    def _click_sync_status(self, client=None):
        """Override of the Click status sync: a refund is resolved from its payment's status."""
        if self.operation == 'refund':
            return self._click_sync_refund(client)
        return super()._click_sync_status(client)

    def _click_sync_refund(self, client=None):
        """Settle this pending refund with Click's status of the payment it reverses, through the door.

        A reversed payment books it; a payment still paid means a full reversal did not happen; anything
        else leaves it pending, unchanged.

        :return: what Click said, in words for the user
        :raise MerchantApiError: when Click could not be asked; nothing changed then
        """
        self.ensure_one()
        source = self.source_transaction_id
        if self.state != 'pending':
            return self._click_resolved_message()
        client = client or self.provider_id.sudo()._click_get_merchant_client()
        payment_status = client.payment_status(source.provider_reference).get('payment_status')
        full = -to_decimal(self.amount) == source._click_left_to_reverse()
        state = merchant.reversal_state(payment_status, full=full)
        if state is Reversal.DONE:
            self._click_handle_reversal(state, _(
                "Click reports the payment %(reference)s reversed: the refund of %(amount)s is booked.",
                reference=source.reference, amount=self._click_refund_amount_text(),
            ))
        elif state is Reversal.NOT_DONE:
            self._click_handle_reversal(state, _(
                "Click reports the payment %(reference)s as still paid: it did not reverse it, so nothing was "
                "refunded. Refund it again, or by bank transfer.", reference=source.reference,
            ))
        else:
            self._click_handle_reversal(state)
            return _("Click does not tell yet whether it reversed %(amount)s of %(reference)s (status %(status)s).",
                     amount=self._click_refund_amount_text(), reference=source.reference, status=payment_status)
        return self.state_message

    def _click_resolved_message(self):
        return _("The refund %(refund)s of %(reference)s is resolved already.",
                 refund=self.reference, reference=self.source_transaction_id.reference)
