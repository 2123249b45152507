import logging

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError, MerchantBusinessError, mask_card_number, outcome_unknown,
)
from odoo.addons.payment_click.click_api.shop import ShopRejection, read_id

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_is_pass = fields.Boolean(
        string="CLICK Pass", readonly=True, copy=False,
        help="Paid at the counter: the cashier scanned the QR code of the payer's Click app.",
    )
    click_pass_cashbox_code = fields.Char(string="CLICK Pass Cash Desk", readonly=True, copy=False)
    click_card_category = fields.Char(
        string="Card Category", readonly=True, copy=False, help="The payer's card: private or corporate.",
    )
    click_processing_type = fields.Char(
        string="Processing", readonly=True, copy=False, help="The card's processing: UZCARD, HUMO or WALLET.",
    )
    click_card_number = fields.Char(string="Card Number", readonly=True, copy=False, help="Masked by Click.")

    def _click_pass_pay(self, otp_data):
        """Charge the payer whose Click app shows ``otp_data`` (SPEC §8); Click's answer goes through the door.

        The transaction is a draft CLICK Pass payment, committed. Click is asked once, and answers at
        once: the payment ends done or in error, or pending while Click has not finished, or when its
        answer was lost; the status sync, or Check with Click, then resolves it. A payment in
        confirmation mode is confirmed, and Click asked once where it stands. Nothing is raised.
        """
        self.ensure_one()
        tx = self._click_lock_transaction(self.reference, self.provider_id)
        try:
            tx._click_check_chargeable()  # under the lock: another cashier's charge may have come first
        except UserError as error:
            tx._set_error(tx._click_pass_refusal(error.args[0]))
            return
        client = tx.provider_id._click_get_merchant_client()
        data = tx._click_notification('pass', payment_id=None, payment_status=None, refused=False)
        try:
            answer = client.click_pass_payment(otp_data, to_decimal(tx.amount), tx.click_pass_cashbox_code,
                                               tx.reference)
        except MerchantApiError as error:
            data['refused'] = not outcome_unknown(error)
            if not data['refused']:
                data['state_message'] = tx._click_pass_waiting(
                    _("Click's answer was lost: %s", messages.merchant_error(tx.env, error)))
            elif isinstance(error, MerchantBusinessError) and error.error_note:
                data['state_message'] = tx._click_pass_refusal(
                    _("%(note)s (error %(code)s)", note=error.error_note, code=error.error_code))
            else:
                data['state_message'] = tx._click_pass_refusal(messages.merchant_error(tx.env, error))
        else:
            data.update(tx._click_pass_answer(client, answer))
        try:
            tx._handle_notification_data('click', data)
        except ShopRejection as rejection:
            tx._click_leave_charge_pending(tx._click_pass_waiting(
                _("Odoo could not record Click's answer yet: %s", rejection.reason)))
        _logger.info("CLICK Pass payment %s: %s", tx.reference, tx.state)

    def _click_pass_answer(self, client, answer):
        """What Click's answer to a CLICK Pass charge says, for the door; a payment in confirmation mode
        is confirmed first, and Click asked once, at once, where it stands."""
        payment_id = read_id(str(answer.get('payment_id') or ''))
        values = {
            'payment_id': payment_id, 'payment_status': answer.get('payment_status'),
            'card_category': answer.get('card_type'), 'processing_type': answer.get('processing_type'),
            'card_number': answer.get('card_number') and mask_card_number(answer['card_number']),
            'state_message': self._click_pass_waiting(
                _("Click is still processing the payment.") if payment_id
                else _("Click answered without a payment number.")),
        }
        if payment_id and answer.get('confirm_mode'):
            try:
                client.confirm_click_pass_payment(payment_id)
            except MerchantApiError as error:
                values['state_message'] = self._click_pass_waiting(
                    _("Click did not confirm it: %s", messages.merchant_error(self.env, error)))
            try:  # confirmed or not, Click says where the payment stands
                values['payment_status'] = client.payment_status(payment_id).get('payment_status')
            except MerchantApiError as error:
                values['payment_status'] = None
                _logger.info("Click could not be asked about CLICK Pass payment %s: %s", payment_id, error)
        return values

    def _click_pass_card_values(self, data):
        """The payer's card, as Click's answer to a CLICK Pass charge describes it."""
        return {
            'click_card_category': data.get('card_category'), 'click_processing_type': data.get('processing_type'),
            'click_card_number': data.get('card_number'),
        }

    def _click_pass_card_words(self):
        """The card that paid this CLICK Pass payment, for its documents."""
        return _(
            "CLICK Pass: %(processing)s card %(card)s%(desk)s, Click payment %(payment)s.",
            processing=self.click_processing_type or '', card=self.click_card_number or '',
            desk=_(" at cash desk %s", self.click_pass_cashbox_code) if self.click_pass_cashbox_code else '',
            payment=self.provider_reference,
        )

    def _click_pass_waiting(self, reason):
        """What a CLICK Pass payment Click has not finished says on its documents."""
        return _(
            "CLICK Pass payment %(reference)s of %(amount)s is not finished: %(reason)s Odoo asks Click again "
            "within %(minutes)s minutes and records it then; Check with Click on the payment asks at once.",
            reference=self.reference, amount=format_amount(self.env, self.amount, self.currency_id), reason=reason,
            minutes=self.provider_id.click_sync_delay + 15,
        )

    def _click_pass_refusal(self, reason):
        """What a CLICK Pass payment Click (or Odoo) refused says: nothing was charged."""
        return _("Click refused the CLICK Pass payment, nothing was charged: %s", reason)
