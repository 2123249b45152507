"""Click's Merchant API as the test-mode emulator answers it (SPEC §7), and its fiscal receipts (SPEC §9).

Plain rules over plain values; the emulator's models keep the state in the database.
"""
import enum
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from ..click_api import fiscal
from ..click_api.amounts import format_amount, parse_amount, to_decimal
from ..click_api.merchant import reversal_allowed
from ..click_api.shop import MAX_FIELD_LENGTH, PAYMENT_SUCCESSFUL, ShopError, read_id
from ..click_api.shop_client import CANCELLED_BY_CLICK, DECLINED_NOTE
from ..click_api.signing import TASHKENT

CHECKOUT_PAID = 2  # checkout.js's status of a successful payment (SPEC §6.3)
# The demo payer's phone: the owner of every emulated card, and the CLICK Pass payer unless another is typed.
PAYER_PHONE = '998901234567'


# === Click's Merchant API, as the emulator answers it (SPEC §7) === #

class MerchantCode(enum.IntEnum):
    """The emulator's ``error_code`` values.

    Click documents only 0 (SPEC §7.4); the others are the emulator's own, borrowed from the SHOP
    API's table where the meaning is alike.
    """
    SUCCESS = 0
    FAILED = -1  # the Auth header is refused (HTTP 401), or the fault switch makes the call fail
    INCORRECT_AMOUNT = -2  # a partial reversal above what is left of the payment
    BAD_REQUEST = -8  # a malformed body or path value (HTTP 400)
    NOT_FOUND = -16  # no such invoice or payment (HTTP 200); no such service or method (HTTP 404)
    NOT_REVERSIBLE = -17  # not successful, already reversed, or out of Click's reversal window
    RECEIPT_INVALID = -18  # a fiscal receipt that breaks SPEC §9's rules or does not add up to the payment
    RECEIPT_EXISTS = -19  # the payment has its fiscal receipt already: Click keeps one per payment
    NOT_FISCALIZABLE = -20  # a fiscal receipt for a payment that is not successful


# invoice_status (SPEC §7.5.2 and §11 K).
INVOICE_WAITING = 0
INVOICE_PAID = 2
INVOICE_DELETED = -99
# payment_status below 0 means failed (SPEC §7.5.3); Click documents no status for a reversal.
PAYMENT_REVERSED = -9
# So'm; far above any real payment, and exact as a JSON number.
MAX_AMOUNT = Decimal(10 ** 12)
# What the test-mode emulator can be told to get wrong, the way Click can.
FAULTS = [
    ('none', "None: behave like Click"),
    ('slow', "Merchant API answers after the client has given up"),
    ('slow_reversal', "Reversals are carried out, but answered after the client has given up"),
    ('http_500', "Merchant API fails with HTTP 500"),
    ('http_401', "Merchant API refuses the credentials (HTTP 401)"),
    ('business_error', "Merchant API refuses the call (error_code -1)"),
    ('drop_complete', "Payments are debited but Complete is never sent"),
    ('oldest_attempt', "Status by reference answers with the oldest attempt of the payment"),
]

# The faults that change the Merchant API's answers: fault → (HTTP status, error_note). 'slow' only
# delays the answer, and 'drop_complete' concerns the SHOP API.
FAULT_ANSWERS = {
    'http_500': (500, "Emulated internal server error"),
    'http_401': (401, "Emulated authentication failure"),
    'business_error': (200, "Emulated refusal: the emulator's fault switch refuses every call"),
}
_PHONE_SEPARATORS = re.compile(r'[\s+()-]')
_PHONE = re.compile(r'998\d{9}')
_DATE = re.compile(r'\d{4}-\d{2}-\d{2}')


class MerchantRefusal(Exception):
    """A Merchant API call the emulator refuses, with Click's ``error_code`` and ``error_note``."""

    def __init__(self, error_code, error_note, http_status=200):
        super().__init__(error_note)
        self.error_code = int(error_code)
        self.error_note = error_note
        self.http_status = http_status

    def answer(self):
        return {'error_code': self.error_code, 'error_note': self.error_note}


def success(**fields):
    """A successful Merchant API answer (SPEC §7.4) carrying ``fields``."""
    return {'error_code': int(MerchantCode.SUCCESS), 'error_note': 'Success', **fields}


def bad_request(error_note):
    """The refusal of a malformed body or path value."""
    return MerchantRefusal(MerchantCode.BAD_REQUEST, error_note, http_status=400)


def check_fault(fault):
    """Raise the refusal the emulator's fault switch asks for, if any."""
    if fault in FAULT_ANSWERS:
        http_status, error_note = FAULT_ANSWERS[fault]
        raise MerchantRefusal(MerchantCode.FAILED, error_note, http_status)


def read_click_id(value, name):
    """Return the positive 64-bit id in a path segment or JSON value.

    :raise MerchantRefusal: 400 naming ``name``
    """
    click_id = read_id(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if click_id is None:
        raise bad_request(f"{name} must be a positive whole number.")
    return click_id


def read_amount(value):
    """Return a positive so'm amount, written as a JSON number or as decimal text, rounded to the tiyin.

    :raise MerchantRefusal: 400
    """
    if isinstance(value, str):
        amount = parse_amount(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        amount = None
    if amount is None or not amount.is_finite() or not 0 < amount <= MAX_AMOUNT or to_decimal(amount) <= 0:
        raise bad_request("amount must be a positive number of so'm, such as 15000.00.")
    return to_decimal(amount)


def read_phone(value):
    """Return a Click user's phone as its 12 digits ``998XXXXXXXXX``, or None.

    Spaces, dashes, brackets and a leading ``+`` are allowed around the digits.
    """
    digits = _PHONE_SEPARATORS.sub('', value) if isinstance(value, str) else ''
    return digits if _PHONE.fullmatch(digits) else None


def read_text(value, name):
    """Return a non-empty, printable text of at most MAX_FIELD_LENGTH characters.

    :raise MerchantRefusal: 400 naming ``name``
    """
    if not (isinstance(value, str) and value and len(value) <= MAX_FIELD_LENGTH and value.isprintable()):
        raise bad_request(f"{name} must be a non-empty text of at most {MAX_FIELD_LENGTH} printable characters.")
    return value


def read_date(text):
    """Return the day of a ``YYYY-MM-DD`` path segment (SPEC §7.5.4).

    :raise MerchantRefusal: 400
    """
    error = bad_request("The date must be a day written YYYY-MM-DD.")
    if not _DATE.fullmatch(text):
        raise error
    try:
        return date.fromisoformat(text)
    except ValueError:  # such as 2025-02-30
        raise error from None


@dataclass(frozen=True)
class InvoiceRequest:
    amount: Decimal
    phone_number: str
    merchant_trans_id: str


def parse_invoice_request(body):
    """Read the fields of an ``invoice/create`` body (SPEC §7.5.1) but its ``service_id``.

    :raise MerchantRefusal: 400 naming the first bad field
    """
    amount = read_amount(body.get('amount'))
    phone_number = read_phone(body.get('phone_number'))
    if phone_number is None:
        raise bad_request("phone_number must be a Click user's phone: 12 digits, 998XXXXXXXXX.")
    return InvoiceRequest(amount, phone_number, read_text(body.get('merchant_trans_id'), 'merchant_trans_id'))


def tashkent_time(utc_time):
    """Turn a naive UTC datetime into Click's naive Tashkent wall-clock time."""
    return utc_time + TASHKENT.utcoffset(None)


def debit_outcome(prepared, declined):
    """Return the ``(payment_status, note)`` of a payment once the merchant answered its Prepare.

    Click debits the card only after a successful Prepare; a refused Prepare cancels the payment.
    """
    if prepared.error != ShopError.SUCCESS:
        return CANCELLED_BY_CLICK, f"Cancelled: the merchant answered Prepare with error {prepared.error}"
    if declined:
        return CANCELLED_BY_CLICK, DECLINED_NOTE
    return PAYMENT_SUCCESSFUL, 'Successful'


def decide_reversal(payment_status, amount, reversed_amount, paid_at, now, requested=None):
    """Decide a reversal (SPEC §7.5.5) or, given ``requested``, a partial reversal (§7.5.6) of a payment.

    :param Decimal amount: the payment's amount; ``reversed_amount``: what earlier partial reversals took back
    :param datetime paid_at: when the payment was made and ``now``, both naive UTC
    :param Decimal requested: the amount to reverse; None reverses all that is left
    :return: the payment's new ``(payment_status, reversed_amount)``
    :raise MerchantRefusal: when Click would refuse the reversal
    """
    if payment_status == PAYMENT_REVERSED:
        raise MerchantRefusal(MerchantCode.NOT_REVERSIBLE, "The payment is already reversed.")
    if payment_status != PAYMENT_SUCCESSFUL:
        raise MerchantRefusal(MerchantCode.NOT_REVERSIBLE,
                              f"Only a successful payment can be reversed; this one's status is {payment_status}.")
    if not reversal_allowed(tashkent_time(paid_at), tashkent_time(now)):
        raise MerchantRefusal(MerchantCode.NOT_REVERSIBLE, "Click reverses the payments of the current month "
                                                           "only, and those of the previous month on the 1st.")
    left = amount - reversed_amount
    if requested is not None and requested > left:
        raise MerchantRefusal(MerchantCode.INCORRECT_AMOUNT,
                              f"Only {format_amount(left)} so'm of this payment is left to reverse.")
    reversed_amount += left if requested is None else requested
    return (PAYMENT_REVERSED if reversed_amount >= amount else PAYMENT_SUCCESSFUL), reversed_amount


# === Fiscal receipts (SPEC §9): every amount in whole tiyin === #

FISCAL_BODY_FIELDS = ('service_id', 'payment_id', 'items', 'received_ecash', 'received_cash', 'received_card')
RECEIVED_FIELDS = FISCAL_BODY_FIELDS[3:]
# Item fields of SPEC §9.1. Texts: name → (maximum length, exact number of digits or None).
FISCAL_ITEM_TEXTS = {
    'Name': (fiscal.MAX_NAME_LENGTH, None), 'SPIC': (fiscal.SPIC_LENGTH, fiscal.SPIC_LENGTH),
    'PackageCode': (fiscal.MAX_PACKAGE_CODE_LENGTH, None), 'Barcode': (fiscal.MAX_BARCODE_LENGTH, None),
}
# Whole numbers: name → (unit in refusals, minimum, maximum).
_TIYIN = (" of tiyin", 0, fiscal.MAX_UINT64)
FISCAL_ITEM_NUMBERS = {
    'Units': ("", 0, fiscal.MAX_UINT64), 'GoodPrice': _TIYIN, 'Price': _TIYIN,
    'Amount': (" (the quantity; Click documents no fractions)", 1, fiscal.MAX_UINT64),
    'VAT': _TIYIN, 'VATPercent': (" (a percentage)", 0, 100), 'Discount': _TIYIN, 'Other': _TIYIN,
}
FISCAL_ITEM_FIELDS = (*FISCAL_ITEM_TEXTS, 'Labels', *FISCAL_ITEM_NUMBERS, 'CommissionInfo')
FISCAL_ITEM_MANDATORY = ('Name', 'SPIC', 'PackageCode', 'Price', 'Amount', 'VAT', 'VATPercent', 'CommissionInfo')
MAX_RECEIPT_URL_LENGTH = 500
# The fiscal module's number in the receipt addresses the emulator makes, after SPEC §9.2's example.
EMULATOR_FISCAL_MODULE = 'EZ000000000030'


def _receipt_refusal(error_note):
    return MerchantRefusal(MerchantCode.RECEIPT_INVALID, error_note)


def _shown(value):
    """A JSON value as a refusal quotes it: short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + '...'


def _whole(value, where, unit=" of tiyin", minimum=0, maximum=fiscal.MAX_UINT64):
    """Return ``value`` if it is a JSON integer in ``[minimum, maximum]``.

    JSON's ``1.0`` reads as a float and is refused: SPEC §9 takes integers only.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _receipt_refusal(f"{where} must be a whole number{unit} written as an integer, not {_shown(value)}.")
    if not minimum <= value <= maximum:
        raise _receipt_refusal(f"{where} must be a whole number{unit} from {minimum} to {maximum}, not {value}.")
    return value


def _text(value, where, max_length, digits=None):
    if digits:
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == digits):
            raise _receipt_refusal(f"{where} must be {digits} digits, written as text, not {_shown(value)}.")
    elif not (isinstance(value, str) and value.strip() and value.isprintable()):
        raise _receipt_refusal(f"{where} must be a non-empty text of printable characters, not {_shown(value)}.")
    elif len(value) > max_length:
        raise _receipt_refusal(f"{where} is {len(value)} characters long; Click takes at most {max_length}.")
    return value


def _fields_known(data, known, where):
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise _receipt_refusal(f"{where} has a field SPEC §9.1 does not know: {unknown[0]}. "
                               f"It knows {', '.join(known)}.")


def _present(data, names, prefix=''):
    for name in names:
        if name not in data:
            raise _receipt_refusal(f"{prefix}{name} is missing; SPEC §9.1 makes it mandatory.")


def _commission_info(value, where):
    """``CommissionInfo``: the seller's ``TIN`` (9 digits) and/or an agent's ``PINFL`` (14 digits)."""
    if not isinstance(value, dict) or not any(key in value for key in fiscal.COMMISSION_ID_LENGTHS):
        raise _receipt_refusal(f"{where} must be an object with a TIN (9 digits) and/or a PINFL (14 digits).")
    _fields_known(value, fiscal.COMMISSION_ID_LENGTHS, where)
    for key, digits in fiscal.COMMISSION_ID_LENGTHS.items():
        if key in value:
            _text(value[key], f'{where}.{key}', digits, digits)


def _fiscal_item(item, where):
    """Check one item of SPEC §9.1 and return its amount after reductions, in tiyin."""
    if not isinstance(item, dict):
        raise _receipt_refusal(f"{where} must be a JSON object, not {_shown(item)}.")
    _fields_known(item, FISCAL_ITEM_FIELDS, where)
    _present(item, FISCAL_ITEM_MANDATORY, f'{where}.')
    for name, (max_length, digits) in FISCAL_ITEM_TEXTS.items():
        if name in item:
            _text(item[name], f'{where}.{name}', max_length, digits)
    if 'Labels' in item:
        labels = item['Labels']
        if not isinstance(labels, list) or len(labels) > fiscal.MAX_LABELS:
            raise _receipt_refusal(f"{where}.Labels must be a list of at most {fiscal.MAX_LABELS} marking codes.")
        for index, label in enumerate(labels):
            _text(label, f'{where}.Labels[{index}]', fiscal.MAX_LABEL_LENGTH)
    numbers = {name: 0 for name in ('Discount', 'Other')}
    for name, (unit, minimum, maximum) in FISCAL_ITEM_NUMBERS.items():
        if name in item:
            numbers[name] = _whole(item[name], f'{where}.{name}', unit, minimum, maximum)
    _commission_info(item['CommissionInfo'], f'{where}.CommissionInfo')
    net = numbers['Price'] - numbers['Discount'] - numbers['Other']
    if net < 0:
        raise _receipt_refusal(f"{where}'s Discount and Other ({numbers['Discount'] + numbers['Other']} tiyin) "
                               f"exceed its Price ({numbers['Price']} tiyin).")
    if numbers['VAT'] > net:
        raise _receipt_refusal(f"{where}.VAT ({numbers['VAT']} tiyin) exceeds the item's amount after "
                               f"Discount and Other ({net} tiyin).")
    return net


def check_fiscal_receipt(body, payment_tiyin):
    """Check the receipt of a ``submit_items`` body (SPEC §9.1) against its payment, like Click.

    ``service_id`` and ``payment_id`` are the caller's to read. Items are named by their index from
    0 in the refusals, e.g. ``items[1].SPIC``.

    :param dict body: the request's JSON object
    :param int payment_tiyin: the payment's amount in tiyin
    :return: the receipt to keep: ``items`` and the ``received_*`` amounts
    :raise MerchantRefusal: RECEIPT_INVALID naming the first rule broken
    """
    _fields_known(body, FISCAL_BODY_FIELDS, "The body")
    items = body.get('items')
    if not isinstance(items, list) or not items:
        raise _receipt_refusal("items must be a list of at least one item.")
    items_total = sum(_fiscal_item(item, f'items[{index}]') for index, item in enumerate(items))
    _present(body, RECEIVED_FIELDS)
    received = {name: _whole(body[name], name) for name in RECEIVED_FIELDS}
    received_total = sum(received.values())
    if items_total != received_total:
        raise _receipt_refusal(
            f"The items add up to {items_total} tiyin (Price - Discount - Other), but received_ecash + "
            f"received_cash + received_card make {received_total} tiyin."
        )
    if received_total != payment_tiyin:
        raise _receipt_refusal(f"received_ecash + received_cash + received_card make {received_total} tiyin, but "
                               f"the payment is {payment_tiyin} tiyin.")
    return {'items': items, **received}


def check_receipt_allowed(payment_status, has_receipt):
    """Refuse a receipt for a payment that is not successful, or has its receipt already (SPEC §9).

    :raise MerchantRefusal: NOT_FISCALIZABLE or RECEIPT_EXISTS
    """
    if payment_status != PAYMENT_SUCCESSFUL:
        raise MerchantRefusal(MerchantCode.NOT_FISCALIZABLE, f"Only a successful payment gets a fiscal receipt; "
                                                             f"this one's status is {payment_status}.")
    if has_receipt:
        raise MerchantRefusal(MerchantCode.RECEIPT_EXISTS, "This payment has its fiscal receipt already; "
                                                           "a receipt is never sent twice.")


def read_receipt_url(value):
    """Return the https address of a receipt given to ``submit_qrcode`` (SPEC §9.2).

    :raise MerchantRefusal: RECEIPT_INVALID
    """
    parts = urlsplit(value) if isinstance(value, str) and value.isprintable() and ' ' not in value else None
    if not (parts and parts.scheme == 'https' and parts.hostname and len(value) <= MAX_RECEIPT_URL_LENGTH):
        raise _receipt_refusal(f"qrcode must be the https address of the receipt, at most {MAX_RECEIPT_URL_LENGTH} "
                               f"characters, such as https://ofd.soliq.uz/epi?t=...; not {_shown(value)}.")
    return value


def fiscal_qr_url(payment_id, issued_at):
    """The address of the receipt the emulator issues for a payment, shaped like the tax office's.

    :param int payment_id: the receipt number and fiscal sign are derived from it
    :param datetime issued_at: naive UTC; the address carries it in Tashkent time
    """
    sign = int(hashlib.sha256(str(payment_id).encode()).hexdigest(), 16) % 10 ** 12
    return (f'https://ofd.soliq.uz/epi?t={EMULATOR_FISCAL_MODULE}&r={payment_id % 10 ** 9:09d}'
            f'&c={tashkent_time(issued_at):%Y%m%d%H%M%S}&s={sign:012d}')


def fiscal_data_answer(payment_id, qr_code_url):
    """SPEC §9.3's answer, as in Click's example: camelCase keys and no ``error_code``."""
    return {'paymentId': int(payment_id), 'qrCodeURL': qr_code_url or None}


