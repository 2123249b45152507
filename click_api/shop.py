"""SHOP API Prepare/Complete (SPEC §2): read Click's form, decide the answer, build the JSON.

The Odoo layer feeds plain values in and applies the returned effect; every Click rule about
which code answers which request lives here.
"""
import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from .amounts import TIYIN, TOLERANCE, amounts_match, parse_amount
from .signing import COMPLETE, PREPARE


class ShopError(enum.IntEnum):
    """The merchant's answer codes (SPEC §2.10)."""
    SUCCESS = 0
    SIGN_CHECK_FAILED = -1
    INCORRECT_AMOUNT = -2
    ACTION_NOT_FOUND = -3
    ALREADY_PAID = -4
    USER_DOES_NOT_EXIST = -5
    TRANSACTION_DOES_NOT_EXIST = -6
    FAILED_TO_UPDATE = -7
    BAD_REQUEST = -8
    TRANSACTION_CANCELLED = -9


# Verbatim from Click's documentation.
ERROR_NOTES = {
    ShopError.SUCCESS: 'Success',
    ShopError.SIGN_CHECK_FAILED: 'SIGN CHECK FAILED!',
    ShopError.INCORRECT_AMOUNT: 'Incorrect parameter amount',
    ShopError.ACTION_NOT_FOUND: 'Action not found',
    ShopError.ALREADY_PAID: 'Already paid',
    ShopError.USER_DOES_NOT_EXIST: 'User does not exist',
    ShopError.TRANSACTION_DOES_NOT_EXIST: 'Transaction does not exist',
    ShopError.FAILED_TO_UPDATE: 'Failed to update user',
    ShopError.BAD_REQUEST: 'Error in request from click',
    ShopError.TRANSACTION_CANCELLED: 'Transaction cancelled',
}

PREPARE_FIELDS = (
    'click_trans_id', 'service_id', 'click_paydoc_id', 'merchant_trans_id', 'amount', 'action',
    'error', 'error_note', 'sign_time', 'sign_string',
)
COMPLETE_FIELDS = PREPARE_FIELDS + ('merchant_prepare_id',)

# Merchant API payment_status (SPEC §7.5.3): below 0 failed, 0 created, 1 processing, 2 successful.
PAYMENT_PROCESSING = 1
PAYMENT_SUCCESSFUL = 2

MAX_BIGINT = 2 ** 63 - 1
MAX_FIELD_LENGTH = 1000
_ID_PATTERN = re.compile(r'\d{1,19}')
# Click sends 0 or a negative code; a positive one is malformed (SPEC §11 W).
_ERROR_PATTERN = re.compile(r'0|-[1-9]\d{0,9}')


class ShopRejection(Exception):
    """A request that gets an error code before any record is looked at."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class ShopRequest:
    """A well-formed, correctly signed Prepare or Complete."""
    action: str
    click_trans_id: int
    service_id: int
    click_paydoc_id: int
    merchant_trans_id: str
    merchant_prepare_id: int | None
    amount: Decimal
    error: int
    error_note: str
    sign_time: str


class TxStatus(enum.Enum):
    """Where the merchant's record stands in Click's eyes (columns of SPEC §2.12)."""
    NEW = 'new'
    PREPARED = 'prepared'
    PAID = 'paid'
    CANCELLED = 'cancelled'


class Effect(enum.Enum):
    """What the merchant must do to its record before answering."""
    NONE = 'none'
    PREPARE = 'prepare'
    CONFIRM = 'confirm'
    CANCEL = 'cancel'


class Alert(enum.Enum):
    """Money Click reports as debited that a person must look at (refund or check)."""
    NONE = 'none'
    PAID_TWICE = 'paid_twice'            # a second debit for a record another payment already paid
    DEBITED_WHILE_CANCELLED = 'debited_while_cancelled'  # a debit for a record that was cancelled
    OVERPAID = 'overpaid'                # recorded, but more than was left to pay on its documents


@dataclass(frozen=True)
class Decision:
    code: ShopError
    effect: Effect = Effect.NONE
    alert: Alert = Alert.NONE
    excess: Decimal = Decimal(0)  # with OVERPAID: how much more than was left Click debited


def collect_fields(pairs):
    """Keep the protocol fields of a posted form, as the raw strings Click signed.

    :param pairs: every ``(name, value)`` of the form, repeated names included
    :return: a dict with exactly the mandatory fields of the request's action
    :raise ShopRejection: -8 when a field is missing, repeated, too long or holds a NUL
    """
    fields, repeated = {}, set()
    for name, value in pairs:
        if name in COMPLETE_FIELDS:
            if name in fields:
                repeated.add(name)
            fields[name] = value
    if repeated:
        raise ShopRejection(ShopError.BAD_REQUEST, f"repeated field(s): {', '.join(sorted(repeated))}")
    required = COMPLETE_FIELDS if fields.get('action') == COMPLETE else PREPARE_FIELDS
    missing = [name for name in required if name not in fields]
    if missing:
        raise ShopRejection(ShopError.BAD_REQUEST, f"missing field(s): {', '.join(missing)}")
    for name in required:
        if len(fields[name]) > MAX_FIELD_LENGTH or '\x00' in fields[name]:
            raise ShopRejection(ShopError.BAD_REQUEST, f"unreadable value in field {name}")
    return {name: fields[name] for name in required}


def read_id(text):
    """Return the positive 64-bit integer written in ``text``, or None."""
    if not _ID_PATTERN.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_BIGINT else None


def parse_request(fields):
    """Type the fields of a request whose signature has been checked.

    :raise ShopRejection: -3 for an unknown action, -8 for a value that is not of its type
    """
    action = fields['action']
    if action not in (PREPARE, COMPLETE):
        raise ShopRejection(ShopError.ACTION_NOT_FOUND, f"unknown action {action!r}")
    ids = {name: read_id(fields[name]) for name in ('click_trans_id', 'service_id', 'click_paydoc_id')}
    bad = [name for name, value in ids.items() if value is None]
    amount = parse_amount(fields['amount'])
    if amount is None:
        bad.append('amount')
    if not _ERROR_PATTERN.fullmatch(fields['error']):
        bad.append('error')
    prepare_id = None
    if action == COMPLETE:
        if _ID_PATTERN.fullmatch(fields['merchant_prepare_id']):
            prepare_id = int(fields['merchant_prepare_id'])
        else:
            bad.append('merchant_prepare_id')
    if bad:
        raise ShopRejection(ShopError.BAD_REQUEST, f"malformed field(s): {', '.join(bad)}")
    return ShopRequest(
        action=action,
        merchant_trans_id=fields['merchant_trans_id'],
        merchant_prepare_id=prepare_id,
        amount=amount,
        error=int(fields['error']),
        error_note=fields['error_note'],
        sign_time=fields['sign_time'],
        **ids,
    )


class Kind(enum.Enum):
    """Where Click's word on a payment comes from."""
    PREPARE = 'prepare'    # Click announces a payment (SHOP API callback)
    COMPLETE = 'complete'  # Click reports a debit, or its failure (SHOP API callback)
    STATUS = 'status'      # Click's Merchant API reports a finished payment (SPEC §7.5.3-4), asked by the merchant
    TELEGRAM = 'telegram'  # Telegram reports a payment made in Telegram (successful_payment, SPEC §10.1)


@dataclass(frozen=True)
class Notice:
    """Click's word on a payment, as ``decide`` reads it.

    :param Kind kind: where it comes from
    :param int payment_id: Click's payment (``click_paydoc_id``, the Merchant API's ``payment_id``)
    :param Decimal amount: what Click debits; a status states none, so it is the amount asked for
    :param int error: 0 for a success, Click's negative code (a failure, a reversal) otherwise
    :param int merchant_prepare_id: the prepare id a Complete quotes; None otherwise
    """
    kind: Kind
    payment_id: int
    amount: Decimal
    error: int
    merchant_prepare_id: int | None = None


def request_notice(request_):
    """What a Prepare or Complete says about its payment."""
    return Notice(
        kind=Kind.PREPARE if request_.action == PREPARE else Kind.COMPLETE, payment_id=request_.click_paydoc_id,
        amount=request_.amount, error=request_.error, merchant_prepare_id=request_.merchant_prepare_id,
    )


def status_notice(payment_id, payment_status, amount):
    """What a finished payment's Merchant API ``payment_status`` says: success, else its negative status.

    :param amount: the amount the merchant asked for, which a status does not repeat
    :raise ValueError: when the status does not end the payment (see ``payment_finished``)
    """
    if not payment_finished(payment_status):
        raise ValueError(f"payment_status {payment_status!r} does not end a payment")
    error = 0 if payment_status == PAYMENT_SUCCESSFUL else payment_status
    return Notice(kind=Kind.STATUS, payment_id=payment_id, amount=amount, error=error)


def decide(notice, status, prepare_id, expected_amount, amount_left=None, held=None):  # noqa: PLR0911 - a table
    """Apply SPEC §2.12 steps 6 to 11 to Click's word on an existing record.

    A Prepare or Complete gets the answer the table gives. A status answer is no callback: Odoo
    asked. It confirms only a success, and a failure of another payment than the one the record
    holds (an earlier attempt) changes nothing: the one held may have been debited.

    :param Notice notice: Click's word
    :param TxStatus status: the record's status
    :param int prepare_id: the ``merchant_prepare_id`` this record answers with
    :param expected_amount: the amount due, in so'm
    :param Decimal amount_left: what is left to pay on the documents the record pays, or None when
        it pays no document (SPEC §11 Y). Prepare refuses on it; Complete and a status report money
        already debited, so it is recorded and flagged instead.
    :param int held: the Click payment the record holds (the last one Click announced or charged),
        which paid it when it is paid
    """
    debited = notice.kind is not Kind.PREPARE and notice.error == 0
    if notice.kind is Kind.COMPLETE and (
        status is TxStatus.NEW or notice.merchant_prepare_id != prepare_id
    ):
        return Decision(ShopError.TRANSACTION_DOES_NOT_EXIST)
    if notice.kind is Kind.STATUS and not debited and held is not None and notice.payment_id != held:
        return Decision(ShopError.TRANSACTION_DOES_NOT_EXIST)
    if status is TxStatus.PAID:
        second_debit = debited and notice.payment_id != held
        return Decision(ShopError.ALREADY_PAID, alert=Alert.PAID_TWICE if second_debit else Alert.NONE)
    if status is TxStatus.CANCELLED:
        return Decision(ShopError.TRANSACTION_CANCELLED,
                        alert=Alert.DEBITED_WHILE_CANCELLED if debited else Alert.NONE)
    if notice.kind is Kind.PREPARE and amount_left is not None and amount_left < TIYIN:
        return Decision(ShopError.ALREADY_PAID)
    if notice.error < 0:
        effect = Effect.NONE if notice.kind is Kind.PREPARE else Effect.CANCEL
        return Decision(ShopError.TRANSACTION_CANCELLED, effect)
    if not amounts_match(notice.amount, expected_amount):
        return Decision(ShopError.INCORRECT_AMOUNT)
    excess = notice.amount - max(amount_left, Decimal(0)) if amount_left is not None else Decimal(0)
    if notice.kind is Kind.PREPARE:
        if excess > TOLERANCE:
            return Decision(ShopError.INCORRECT_AMOUNT)
        return Decision(ShopError.SUCCESS, Effect.PREPARE)
    if excess > TOLERANCE:
        return Decision(ShopError.SUCCESS, Effect.CONFIRM, Alert.OVERPAID, excess)
    return Decision(ShopError.SUCCESS, Effect.CONFIRM)


def payment_finished(payment_status):
    """Whether a Merchant API ``payment_status`` ends the payment: successful (2), or failed or
    reversed (negative). Anything else, undocumented values included, leaves it to be asked again."""
    return payment_status is not None and (payment_status == PAYMENT_SUCCESSFUL or payment_status < 0)


def build_answer(code, fields, merchant_billing_id=None):
    """Build the JSON object answering a request.

    Echoes ``click_trans_id`` and ``merchant_trans_id`` when they were readable; a success also
    carries ``merchant_prepare_id`` (Prepare) or ``merchant_confirm_id`` (Complete).
    """
    answer = {}
    click_trans_id = read_id(fields.get('click_trans_id') or '')
    if click_trans_id is not None:
        answer['click_trans_id'] = click_trans_id
    if isinstance(fields.get('merchant_trans_id'), str):
        answer['merchant_trans_id'] = fields['merchant_trans_id']
    if code == ShopError.SUCCESS:
        key = 'merchant_prepare_id' if fields['action'] == PREPARE else 'merchant_confirm_id'
        answer[key] = merchant_billing_id
    answer['error'] = int(code)
    answer['error_note'] = ERROR_NOTES[code]
    return answer
