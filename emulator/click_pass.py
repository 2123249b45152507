"""Click's side of CLICK Pass (SPEC §8) in test mode: the payer's QR codes and the payments they make.

Plain rules over plain values; the Odoo layer keeps the state in the database.
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ..click_api.merchant import mask_card_number
from ..click_api.shop import PAYMENT_PROCESSING, PAYMENT_SUCCESSFUL
from .click import CANCELLED_BY_CLICK, MerchantRefusal, bad_request, read_amount, read_text, success

OTP_LENGTH = 13  # as in Click's example, "1234567415821"
# How long the Click app's code stays valid: Click's own codes refresh within a minute or so, the
# emulator's last longer so that a person can copy one into Odoo.
CODE_VALIDITY = timedelta(minutes=5)
CONFIRM_WINDOW = timedelta(seconds=30)  # SPEC §8.3: an unconfirmed payment is cancelled after 30 s
PROCESSING_TIME = timedelta(seconds=30)  # how long a 'processing' code's payment stays processing
NOT_CONFIRMED_NOTE = "Cancelled: the merchant did not confirm the payment within 30 seconds"
# What the code's payer has set the emulated app to do with the next payment.
OUTCOMES = ('pay', 'confirm', 'processing', 'fail')
PROCESSING_TYPES = ('UZCARD', 'HUMO', 'WALLET')
CARDS = {'UZCARD': '8600020412348331', 'HUMO': '9860010112345678', 'WALLET': '9987100012345678'}


# The emulator's own error_code values for CLICK Pass (Click documents none but 0; see MerchantCode).
CODE_UNKNOWN = -21  # no such code, or it was used or has expired
INSUFFICIENT_FUNDS = -22  # the payer's card cannot pay
NOT_CONFIRMABLE = -23  # a confirmation for a payment that is not waiting for one


@dataclass(frozen=True)
class PassPaymentRequest:
    otp_data: str
    amount: object  # Decimal so'm
    cashbox_code: str | None
    transaction_id: str | None


def new_otp():
    """A fresh code as the Click app would put in its QR code: 13 random digits."""
    return ''.join(secrets.choice('0123456789') for _ in range(OTP_LENGTH))


def card_number(processing_type):
    """The masked card number Click answers with for the demo payer's card of ``processing_type``."""
    return mask_card_number(CARDS[processing_type])


def _optional_text(body, name):
    value = body.get(name)
    return None if value in (None, '') else read_text(value if isinstance(value, str) else str(value), name)


def parse_pass_payment(body):
    """Read the fields of a ``click_pass/payment`` body (SPEC §8.2) but its ``service_id``.

    :raise MerchantRefusal: 400 naming the first bad field
    """
    otp_data = body.get('otp_data')
    if not isinstance(otp_data, str) or not otp_data.isdigit() or len(otp_data) > 64:
        raise bad_request("otp_data must be the digits of the payer's CLICK Pass QR code.")
    return PassPaymentRequest(
        otp_data, read_amount(body.get('amount')), _optional_text(body, 'cashbox_code'),
        _optional_text(body, 'transaction_id'),
    )


def check_code_usable(found, used, created_at, now):
    """Refuse a code Click would not take: unknown, used already, or older than CODE_VALIDITY.

    :raise MerchantRefusal: with CODE_UNKNOWN
    """
    if not found or used or now - created_at > CODE_VALIDITY:
        raise MerchantRefusal(CODE_UNKNOWN, "The CLICK Pass code is unknown, used or expired: ask the payer "
                                            "to show a fresh QR code.")


def pay(outcome, service_confirms, now):
    """Charge a usable code: the new payment's state, or the refusal of a payer who cannot pay.

    :param str outcome: what the payer set the app to do (``OUTCOMES``)
    :param bool service_confirms: whether the service's confirmation mode is on
    :return: ``(payment_status, note, confirm_mode, confirm_by, processing_until)``
    :raise MerchantRefusal: INSUFFICIENT_FUNDS for the 'fail' outcome
    """
    if outcome == 'fail':
        raise MerchantRefusal(INSUFFICIENT_FUNDS, "Insufficient funds on the payer's card.")
    if service_confirms or outcome == 'confirm':
        return PAYMENT_PROCESSING, "Waiting for the merchant's confirmation", 1, now + CONFIRM_WINDOW, None
    if outcome == 'processing':
        return PAYMENT_PROCESSING, "Processing", 0, None, now + PROCESSING_TIME
    return PAYMENT_SUCCESSFUL, "Successful", 0, None, None


def status_now(payment_status, confirm_by, processing_until, now):
    """Where a CLICK Pass payment stands at ``now``: an unconfirmed one is cancelled after its
    window, a processing one succeeds once its time is up.

    :return: ``(payment_status, note)``, or None when nothing changed
    """
    if payment_status != PAYMENT_PROCESSING:
        return None
    if confirm_by and now > confirm_by:
        return CANCELLED_BY_CLICK, NOT_CONFIRMED_NOTE
    if processing_until and now >= processing_until:
        return PAYMENT_SUCCESSFUL, "Successful"
    return None


def confirm(payment_status, confirm_by):
    """Confirm a payment waiting for it (SPEC §8.3); call ``status_now`` first.

    :return: the confirmed payment's ``(payment_status, note)``
    :raise MerchantRefusal: NOT_CONFIRMABLE when it is not waiting for a confirmation
    """
    if payment_status != PAYMENT_PROCESSING or not confirm_by:
        raise MerchantRefusal(NOT_CONFIRMABLE, f"The payment is not waiting for a confirmation (status "
                                               f"{payment_status}).")
    return PAYMENT_SUCCESSFUL, "Successful"


def payment_answer(payment_id, payment_status, confirm_mode, processing_type, phone_number):
    """Click's answer to a successful ``click_pass/payment`` call (SPEC §8.2)."""
    return success(
        payment_id=payment_id, payment_status=payment_status, confirm_mode=confirm_mode, card_type='private',
        processing_type=processing_type, card_number=card_number(processing_type), phone_number=phone_number,
    )
