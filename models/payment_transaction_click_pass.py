import logging
import time

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError, MerchantBusinessError, mask_card_number, outcome_unknown,
)
from odoo.addons.payment_click.click_api.shop import ShopRejection, payment_finished

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_is_pass = fields.Boolean(
        string="CLICK Pass", readonly=True, copy=False,
        help="Paid at the counter: the cashier scanned the QR code of the payer's Click app.",
    )
    click_pass_cashbox_code = fields.Char(string="CLICK Pass Cash Desk", readonly=True, copy=False)
    click_card_type = fields.Char(string="Card Type", readonly=True, copy=False, help="private or corporate")
    click_processing_type = fields.Char(
        string="Processing", readonly=True, copy=False, help="The card's processing: UZCARD, HUMO or WALLET.",
    )
    click_card_number = fields.Char(string="Card Number", readonly=True, copy=False, help="Masked by Click.")

    def _click_pass_pay(self, otp_data):
        """Charge the payer whose Click app shows ``otp_data`` (SPEC §8), and settle as a Complete would.

        The transaction is a draft CLICK Pass payment. It ends done or in error, or pending while
        Click has not finished, or when its answer was lost: the status sync then settles it.
        Click's refusals and lost answers are kept in the state message; nothing is raised.
        """
        self.ensure_one()
        tx = self._click_lock_transaction(self.reference, self.provider_id)
        try:
            tx._click_check_chargeable()  # under the lock: another cashier's charge may have come first
        except UserError as error:
            tx._click_pass_fail(error.args[0])
            return
        client = self.provider_id._click_get_merchant_client()
        try:
            answer = client.click_pass_payment(otp_data, to_decimal(self.amount), self.click_pass_cashbox_code,
                                               self.reference)
        except MerchantApiError as error:
            if outcome_unknown(error):
                self._click_pass_leave_pending(_("Click's answer was lost: %s", error))
            elif isinstance(error, MerchantBusinessError) and error.error_note:
                self._click_pass_fail(_("%(note)s (error %(code)s)", note=error.error_note, code=error.error_code))
            else:
                self._click_pass_fail(str(error))
            return
        payment_id = answer.get('payment_id')
        if not payment_id:
            self._click_pass_leave_pending(_("Click answered without a payment number."))
            return
        self.write({
            'provider_reference': str(payment_id),
            'click_trans_id': str(payment_id),  # CLICK Pass has no click_trans_id; status sync needs one
            'click_card_type': answer.get('card_type'),
            'click_processing_type': answer.get('processing_type'),
            'click_card_number': answer.get('card_number') and mask_card_number(answer['card_number']),
        })
        status, problem = answer.get('payment_status'), None
        if answer.get('confirm_mode'):
            status = None  # confirmed or not, Click is asked where the payment stands
            try:
                client.confirm_click_pass_payment(payment_id)
            except MerchantApiError as error:
                problem = _("Click did not confirm it: %s", error)
        status = self._click_pass_wait(client, payment_id, status)
        if not payment_finished(status):
            self._click_pass_leave_pending(problem or _("Click is still processing the payment."))
            return
        try:
            self._click_settle_status(payment_id, status)
        except ShopRejection as rejection:
            self._click_pass_leave_pending(_("Odoo could not record Click's answer yet: %s", rejection.reason))

    def _get_received_message(self):
        """Override of `payment` to name the card of a CLICK Pass payment."""
        message = super()._get_received_message()
        if self.click_is_pass and self.state == 'done':
            message += Markup('<br/>') + _(
                "CLICK Pass: %(processing)s card %(card)s%(desk)s, Click payment %(payment)s.",
                processing=self.click_processing_type or '', card=self.click_card_number or '',
                desk=_(" at cash desk %s", self.click_pass_cashbox_code) if self.click_pass_cashbox_code else '',
                payment=self.provider_reference,
            )
        return message

    @staticmethod
    def _click_pass_wait(client, payment_id, status):
        """Ask Click a few times about a payment still processing; return its last known status or None."""
        for delay in const.CLICK_PASS_POLL_DELAYS:
            if payment_finished(status):
                break
            time.sleep(delay)
            try:
                status = client.payment_status(payment_id).get('payment_status')
            except MerchantApiError as error:
                _logger.info("Click could not be asked about CLICK Pass payment %s: %s", payment_id, error)
                break
        return status

    def _click_pass_leave_pending(self, reason):
        """Leave the payment to the status sync, and say so on its documents."""
        message = _(
            "CLICK Pass payment %(reference)s of %(amount)s is not finished: %(reason)s Odoo asks Click again "
            "within %(minutes)s minutes and records it then; Check with Click on the payment asks at once.",
            reference=self.reference, amount=format_amount(self.env, self.amount, self.currency_id), reason=reason,
            minutes=self.provider_id.click_sync_delay + 15,
        )
        self._set_pending(state_message=message)
        _logger.info("CLICK Pass payment %s left pending: %s", self.reference, reason)

    def _click_pass_fail(self, reason):
        """Record Click's refusal: nothing was charged."""
        self._set_error(_("Click refused the CLICK Pass payment, nothing was charged: %s", reason))
        _logger.info("CLICK Pass payment %s refused: %s", self.reference, reason)

