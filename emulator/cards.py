"""Click's card tokens (SPEC §7.5.7-10) as the test-mode emulator plays them.

Any card number passing the Luhn check works, the SMS code is always ``SMS_CODE``, and three numbers
make Click refuse the way it does for real cards. The emulator keeps the masked number and the
outcome the card stands for, never the number itself.
"""
import enum
import uuid
from dataclasses import dataclass
from datetime import timedelta

from ..click_api.cards import read_card_number, read_expire_date
from ..click_api.merchant import mask_card_number
from .click import PAYER_PHONE, MerchantRefusal, bad_request, read_amount, read_text

SMS_CODE = 12345
MASKED_PHONE = f'{PAYER_PHONE[:5]}***{PAYER_PHONE[-4:]}'  # as Click shows the card owner's phone
CODE_LIFETIME = timedelta(minutes=5)  # an unconfirmed token's SMS code expires after this
MAX_CODE_ATTEMPTS = 3


class CardOutcome(enum.Enum):
    """What paying with a card does in the emulator, chosen by its number."""
    PAID = 'paid'
    INSUFFICIENT_FUNDS = 'insufficient_funds'
    BLOCKED = 'blocked'
    PROCESSING = 'processing'  # the payment stays "processing" (payment_status 1)


# Luhn-valid test numbers (Uzcard prefix 8600) that make the emulator refuse or hold a payment.
SPECIAL_CARDS = {
    '8600000000001112': CardOutcome.INSUFFICIENT_FUNDS,
    '8600000000002227': CardOutcome.BLOCKED,
    '8600000000003332': CardOutcome.PROCESSING,
}


class CardCode(enum.IntEnum):
    """The emulator's ``error_code`` values for card tokens; Click documents none (SPEC §7.4)."""
    INVALID_CARD = -30
    CARD_BLOCKED = -31
    TOKEN_NOT_FOUND = -32
    WRONG_SMS_CODE = -33
    SMS_CODE_EXPIRED = -34
    TOO_MANY_ATTEMPTS = -35
    NOT_VERIFIED = -36
    INSUFFICIENT_FUNDS = -37


@dataclass(frozen=True)
class TokenRequest:
    masked_card: str
    outcome: CardOutcome
    temporary: bool


def masked_card(digits):
    """The card number as Click shows it after verification: ``8600 55** **** 3244``."""
    return mask_card_number(' '.join(digits[i:i + 4] for i in range(0, len(digits), 4)))


def parse_token_request(body, today):
    """Read a ``card_token/request`` body (SPEC §7.5.7) but its ``service_id``.

    :raise MerchantRefusal: for a malformed body (400), or a card Click refuses
    """
    digits = read_card_number(body.get('card_number'))
    if digits is None:
        raise MerchantRefusal(CardCode.INVALID_CARD, "Invalid card number")
    if read_expire_date(body.get('expire_date'), today) is None:
        raise MerchantRefusal(CardCode.INVALID_CARD, "Invalid or past card expiry date")
    if body.get('temporary', 1) not in (0, 1, '0', '1'):
        raise bad_request("temporary must be 0 or 1.")
    outcome = SPECIAL_CARDS.get(digits, CardOutcome.PAID)
    if outcome is CardOutcome.BLOCKED:
        raise MerchantRefusal(CardCode.CARD_BLOCKED, "Card is blocked")
    return TokenRequest(masked_card(digits), outcome, int(body.get('temporary', 1)) == 1)


def new_card_token():
    """A fresh token, UUID-like as Click's (SPEC §7.5.7)."""
    return str(uuid.uuid4()).upper()


def check_sms_code(sms_code, attempts, requested_at, now):
    """Refuse a code Click would refuse for a token requested at ``requested_at``.

    :param int attempts: wrong codes already typed for this token
    :raise MerchantRefusal: too many attempts, an expired code or a wrong one
    """
    if attempts >= MAX_CODE_ATTEMPTS:
        raise MerchantRefusal(CardCode.TOO_MANY_ATTEMPTS, "Too many wrong SMS codes: request a new code")
    if now - requested_at > CODE_LIFETIME:
        raise MerchantRefusal(CardCode.SMS_CODE_EXPIRED, "SMS code expired: request a new code")
    if isinstance(sms_code, bool) or sms_code not in (SMS_CODE, str(SMS_CODE)):
        raise MerchantRefusal(CardCode.WRONG_SMS_CODE, "Wrong SMS code")


def parse_token_payment(body):
    """Read a ``card_token/payment`` body (SPEC §7.5.9) but its ``service_id``: token, amount, reference.

    The reference comes as ``transaction_parameter``, or ``merchant_trans_id`` as Click's libraries
    send it (SPEC §11 G).
    """
    card_token = read_text(body.get('card_token'), 'card_token')
    amount = read_amount(body.get('amount'))
    reference = body.get('transaction_parameter', body.get('merchant_trans_id'))
    return card_token, amount, read_text(reference, 'transaction_parameter')
