"""Payments waiting for their payer: Odoo asks Click about them, and withdraws an invoice sent again.

Click tells nothing when its invoice is declined or expires, and a lost Complete leaves a payment
waiting: the customer's status page asks Click, and so does the status sync. Both go through one
throttle, kept in the database and taken under the row lock, so that they never ask at once.
"""
import logging
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.merchant import MerchantApiError
from odoo.addons.payment_click.click_api.shop import Kind, ShopError

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_checked_date = fields.Datetime(
        string="Click Asked On", readonly=True, copy=False,
        help="When Odoo last asked Click about this payment while it waited for its payer.",
    )

    # === ASKING CLICK ABOUT A WAITING PAYMENT === #

    def _click_is_waiting(self):
        """Whether this is a Click payment that Click may finish without telling Odoo: an invoice in
        the Click app, a payment Click announced (Prepare), or a charge Odoo asked Click to make."""
        self.ensure_one()
        return (
            self.provider_code == 'click' and self.state in ('draft', 'pending') and self.operation != 'refund'
            and not self.click_is_self_test
            and bool(self.click_invoice_id or self.click_prepare_date or self.click_charge_date)
        )

    def _click_check_for_waiting_customer(self):
        """Ask Click about this payment for the customer whose status page waits for it, at most once
        every ``const.CUSTOMER_CHECK_INTERVAL``. A failure to reach Click is left for the next time."""
        if not self or not self._click_is_waiting() or not self._click_claim_check():
            return
        client = self.provider_id._click_get_merchant_client(timeout=const.CUSTOMER_CHECK_TIMEOUT)
        try:
            self._click_check_with_click(client)
        except MerchantApiError as error:
            _logger.info("Click status of %s left for later: %s", self.reference, error)
        finally:
            client.close()

    def _click_claim_check(self):
        """Take this payment's turn to be asked about, unless it was asked lately or another worker holds it.

        The time is committed at once: the status page and the status sync then space their
        questions out, and neither waits for the other's lock.

        :return: whether the caller may ask Click now
        """
        self.ensure_one()
        now = fields.Datetime.now()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM payment_transaction WHERE id = %s AND state IN ('draft', 'pending') "
                    "AND (click_checked_date IS NULL OR click_checked_date < %s) FOR NO KEY UPDATE SKIP LOCKED",
                    self.id, now - const.CUSTOMER_CHECK_INTERVAL,
                ), log_exceptions=False)  # another worker changed it meanwhile: it is theirs
                claimed = bool(self.env.cr.fetchall())
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            return False
        if claimed:
            self.click_checked_date = now
            self._click_commit()
        return claimed

    def _click_check_with_click(self, client=None):
        """Settle what Click knows of this waiting payment: a payment through the status sync, a
        declined or expired invoice by cancelling the transaction.

        :return: what Click said, in words for the user
        :raise MerchantApiError: when Click could not be asked; nothing changed then
        """
        self.ensure_one()
        if not self.click_invoice_id:
            return self._click_sync_status(client)
        client = client or self.provider_id._click_get_merchant_client()
        answer = client.invoice_status(self.click_invoice_id)
        status, note = answer.get('invoice_status'), answer.get('invoice_status_note') or _("no note")
        said = _("Click invoice %(invoice)s: %(note)s (status %(status)s).",
                 invoice=self.click_invoice_id, note=note, status=status)
        if self.click_prepare_date or (status is not None and status > 0):
            # Paid (SPEC §7.5.2), or a payment announced: the payment decides, not the invoice.
            return f'{said}\n{self._click_sync_status(client)}'
        if status is not None and status < 0:
            return f'{said}\n' + self._click_cancel_invoice(_(
                "The Click invoice %(invoice)s was declined in the Click app, or expired (Click: %(note)s). "
                "No money was taken.", invoice=self.click_invoice_id, note=note,
            ))
        return said

    def _click_cancel_invoice(self, message):
        """Cancel this invoice's payment, Click having reported its invoice declined or expired, through
        the door, unless Click announced a payment meanwhile.

        :return: ``message``, or why nothing was cancelled
        """
        data = self._click_notification('invoice', state_message=message)
        tx = self._handle_notification_data('click', data)
        if tx.state != 'cancel' or tx.state_message != message:
            return _("%s is being paid: nothing was cancelled.", tx.reference)
        return message

    def _click_apply_invoice_declined(self, data):
        """Cancel this locked payment of a declined or expired invoice, unless it is being paid."""
        if self.state not in ('draft', 'pending') or self.click_prepare_date:
            return
        self._set_canceled(state_message=data['state_message'])
        _logger.info("Click invoice of %s cancelled: %s", self.reference, data['state_message'])

    def _click_invoices_waiting(self, provider):
        """The invoices by phone of ``provider`` that wait for their payer, for the status sync."""
        return self.search([
            ('provider_id', '=', provider.id), ('state', '=', 'draft'), ('click_invoice_id', '!=', False),
            ('click_prepare_date', '=', False), ('click_is_self_test', '=', False),
            ('create_date', '>', fields.Datetime.now() - timedelta(days=const.SYNC_MAX_AGE_DAYS)),
        ])

    # === INVOICES BY PHONE SENT AGAIN === #

    def _click_withdraw_invoice(self, replaced_by_phone):
        """Cancel, in Odoo, this invoice sent to the Click app, before another one is sent.

        Click has no way to delete an invoice: a late payment of this one reaches a cancelled
        transaction, which Click is told (-9), and the accountant gets a note and a to-do.

        :raise UserError: when Click is already paying this invoice
        """
        tx = self._click_lock_transaction(self.reference, self.provider_id)
        if tx.state not in ('draft', 'pending'):
            return
        if tx.click_prepare_date:
            raise UserError(_(
                "The customer is paying the Click invoice of %(reference)s right now: check its status before "
                "sending another one.", reference=tx.reference,
            ))
        tx._set_canceled(state_message=_(
            "Click invoice %(invoice)s to +%(phone)s was withdrawn: a new one goes to +%(new_phone)s.",
            invoice=tx.click_invoice_id or _("(unconfirmed)"), phone=tx.click_invoice_phone,
            new_phone=replaced_by_phone,
        ))

    def _click_note_cancelled_invoice_paid(self, decision, notice):
        """Tell the accountant that the payer tried to pay this cancelled invoice by phone, which Click
        was refused (-9): no money moved, and the customer may still mean to pay."""
        if decision.code != ShopError.TRANSACTION_CANCELLED or notice.kind is not Kind.PREPARE \
                or self.state != 'cancel' or not self.click_invoice_phone:
            return
        self._click_alert_accountant(decision, notice, _(
            "The customer tried to pay %(amount)s for %(document)s in the Click app with the Click invoice of "
            "%(reference)s, which was withdrawn or cancelled in Odoo. Click was told it is cancelled (Click "
            "%(paydoc)s), so no money was taken: make sure the customer pays the invoice that replaced it.",
            **self._click_alert_values(notice), reference=self.reference,
        ))
