"""Fiscal receipts (SPEC §9, §11 L and M): document lines → ``submit_items`` body, in whole tiyin.

Every money field of a receipt is an ``int`` of tiyin (1 so'm = 100 tiyin). So'm amounts are
multiplied by 100 and rounded half-up, which only changes an amount that has more than 2 decimals.

The receipt has no negative items: each negative line (a global discount, a down-payment deduction,
a coupon) becomes ``Discount`` on the positive lines of its VAT rate, or of the whole document when
its rate has none, in proportion to what they cost, exactly to the tiyin (largest remainder).

The items must sum to the Click payment to the tiyin. When they do not, the builder raises a
FiscalError that gives both totals, and names the lines whose rounding caused a small difference. It
never adjusts an amount to make them match. A partial payment (an instalment, an advance) is refused
for that reason: Click's receipt lists goods sold and has no type for a part payment, and spreading the
payment over the goods would declare discounts nobody gave; the merchant's cash register issues it.

Goods sold on commission carry their principal's ``CommissionInfo`` (TIN or PINFL) on their own items;
the others carry the seller's.

A receipt that cannot be built raises ``FiscalError``: a code and its parameters, which the Odoo
layer words for a person (``messages.fiscal_error``).
"""
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

# Click's limits on a receipt item (SPEC §9.1).
MAX_VAT_PERCENT = 100
MAX_NAME_LENGTH = 63
MAX_PACKAGE_CODE_LENGTH = 20
MAX_BARCODE_LENGTH = 13
MAX_LABELS = 300
MAX_LABEL_LENGTH = 21
MAX_UINT64 = 2 ** 64 - 1
ELLIPSIS = '…'
SPIC_LENGTH = 17  # digits
COMMISSION_ID_LENGTHS = {'TIN': 9, 'PINFL': 14}  # digits
SPIC_PATTERN = re.compile(f'[0-9]{{{SPIC_LENGTH}}}')
COMMISSION_ID_PATTERNS = {kind: re.compile(f'[0-9]{{{length}}}') for kind, length in COMMISSION_ID_LENGTHS.items()}
_ONE = Decimal(1)


class FiscalError(ValueError):
    """A receipt that cannot be built: ``code`` says why, ``params`` its values (amounts in so'm, as Decimal).

    ``line`` names the document line at fault, if any; ``labels`` every line at fault when there are
    several (``(line,)`` by default). ``by_hand`` says that no correction lets Click issue it: the
    merchant's cash register has to.
    """

    # A value that is not a number; ``field`` is one of the FIELD_* below.
    NOT_A_NUMBER = 'not_a_number'                  # field, value
    # The receipt as a whole.
    NO_DOCUMENTS = 'no_documents'                  # reference: the payment pays nothing posted or confirmed
    CURRENCY = 'currency'                          # the payment or a document is not in so'm
    NO_ITEMS = 'no_items'                          # no line to put on a receipt
    MISSING_MASTER_DATA = 'missing_master_data'    # labels: items without an IKPU or a package code
    IDENTIFIER = 'identifier'                      # name ('service_id' or 'payment_id'), value
    PAYMENT_NOT_POSITIVE = 'payment_not_positive'  # paid
    ROUNDING = 'rounding'                          # total, paid, labels: the lines priced in fractions of a tiyin
    PARTIAL_PAYMENT = 'partial_payment'            # total, paid: an instalment, an advance, a balance
    OVERPAID = 'overpaid'                          # total, paid
    MARKING_REQUIRED = 'marking_required'          # products: goods whose units need a marking code each
    ADVANCE = 'advance'                            # documents: invoices of an advance (down payment)
    # The seller (the company, or a principal of goods sold on commission).
    COMMISSION_NOT_A_DICT = 'commission_not_a_dict'
    COMMISSION_UNKNOWN_KEYS = 'commission_unknown_keys'  # keys
    COMMISSION_ID_FORMAT = 'commission_id_format'  # kind ('TIN' or 'PINFL'), digits, value
    COMMISSION_MISSING = 'commission_missing'
    COMPANY_TIN = 'company_tin'                    # value: the company's Tax ID, not a 9-digit TIN
    LINE_COMMISSION = 'line_commission'            # error: the FiscalError of the line's principal
    # One line (``line`` is set).
    NEGATIVE_QUANTITY = 'negative_quantity'        # quantity
    FRACTIONAL_QUANTITY = 'fractional_quantity'    # quantity
    DISCOUNT_RANGE = 'discount_range'              # discount, total
    LINE_TOO_LARGE = 'line_too_large'              # amount
    NEGATIVE_TOO_LARGE = 'negative_too_large'      # amount, available, vat_percent (None: over all lines)
    VAT_RATE = 'vat_rate'                          # value
    TAXES = 'taxes'                                # taxes: the names of the line's taxes
    PACKAGE_CODE_LENGTH = 'package_code_length'    # length
    BARCODE_LENGTH = 'barcode_length'              # length
    UNITS_CODE = 'units_code'                      # value
    LABELS_NOT_A_LIST = 'labels_not_a_list'
    TOO_MANY_LABELS = 'too_many_labels'            # count, limit
    LABEL_FORMAT = 'label_format'                  # value, length
    NO_NAME = 'no_name'
    UNIT_TOO_LONG = 'unit_too_long'                # unit, length

    FIELD_QUANTITY = 'quantity'
    FIELD_PRICE_UNIT = 'price_unit'
    FIELD_DISCOUNT = 'discount'
    FIELD_TOTAL = 'total'
    FIELD_PAYMENT = 'payment'
    FIELD_AMOUNT = 'amount'

    BY_HAND = frozenset({PARTIAL_PAYMENT, OVERPAID, MARKING_REQUIRED, ADVANCE})

    def __init__(self, code, line=None, labels=None, **params):
        super().__init__(code, line, params)
        self.code = code
        self.params = params
        self.line = line
        self.labels = tuple(labels) if labels is not None else (line,) if line is not None else ()

    @property
    def by_hand(self):
        return self.code in self.BY_HAND

    def __str__(self):
        """For the log: the code, the line and the values."""
        return ' '.join(str(part) for part in (self.code, self.line or '', self.params or '') if part)


@dataclass(frozen=True)
class ReceiptLine:
    """One line of the invoice or order, in so'm, as the Odoo layer reads it."""
    label: str                 # how a person knows the line (e.g. "[DESK] Office desk"), for error messages
    name: str                  # goods/service name
    unit: str                  # unit of measure written at the end of Name, e.g. "dona", "kg", "" if none
    quantity: Decimal          # must be a whole number on a receipt item (SPEC §9)
    price_unit: Decimal        # so'm per unit, VAT included, before discount
    discount: Decimal = Decimal(0)  # so'm taken off the line total (VAT included), >= 0
    vat_percent: int = 0       # 0, 12, 15 …
    spic: str = ''             # IKPU / SPIC, 17 digits
    package_code: str = ''     # classifier package code (≤ 20 chars)
    units_code: int | None = None
    barcode: str = ''          # ≤ 13 chars
    labels: tuple = ()         # marking codes, ≤ 300 of ≤ 21 chars
    commission_info: dict | None = None  # the principal's TIN/PINFL for goods sold on commission, else the seller's


class _Item:
    """A line on its way to becoming a receipt item; ``discount`` grows as negative lines are spread."""

    def __init__(self, line, amount, good_price, price, discount, vat_percent):
        self.line = line
        self.amount = amount
        self.good_price = good_price
        self.price = price
        self.discount = discount
        self.vat_percent = vat_percent
        self.original_net = price - discount

    @property
    def net(self):
        return self.price - self.discount


def to_tiyin(amount):
    """Return so'm as whole tiyin (``int``), rounded half-up when the amount has more than 2 decimals."""
    return int((_decimal(amount) * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


def to_som(tiyin):
    """Return tiyin as so'm, exactly: a Decimal with 2 decimals."""
    return Decimal(tiyin).scaleb(-2)


def vat_of(net_tiyin, vat_percent):
    """VAT included in a VAT-inclusive amount: ``round(net × p / (100 + p))`` half-up (SPEC §9.1)."""
    numerator, denominator = net_tiyin * vat_percent, 100 + vat_percent
    return (2 * numerator + denominator) // (2 * denominator)


def receipt_name(name, unit):
    """Return ``Name``: the name, then the unit, in at most 63 characters.

    A name too long is shortened with an ellipsis; the unit is never cut.

    :raise FiscalError: when the name is empty or the unit leaves no room for it
    """
    name, unit = ' '.join(str(name or '').split()), ' '.join(str(unit or '').split())
    if not name:
        raise FiscalError(FiscalError.NO_NAME)
    room = MAX_NAME_LENGTH - (len(unit) + 1 if unit else 0)
    if room < 2:
        raise FiscalError(FiscalError.UNIT_TOO_LONG, unit=unit, length=MAX_NAME_LENGTH - 2)
    if len(name) > room:
        name = name[:room - 1].rstrip() + ELLIPSIS
    return f'{name} {unit}' if unit else name


def commission_info_of(tax_id):
    """Read a Tax ID as ``CommissionInfo``: ``{'TIN': 9 digits}`` or ``{'PINFL': 14 digits}`` (spaces and a
    ``UZ`` prefix dropped); any other text goes as a TIN, which the builder refuses saying what it must be."""
    digits = ''.join(str(tax_id or '').split())
    digits = digits[2:] if digits.upper().startswith('UZ') else digits
    kind = 'PINFL' if COMMISSION_ID_PATTERNS['PINFL'].fullmatch(digits) else 'TIN'
    return {kind: digits}


def company_commission_info(tax_id):
    """``CommissionInfo`` of the seller's own sales: its TIN, 9 digits, read from its Tax ID.

    :raise FiscalError: ``COMPANY_TIN`` when the Tax ID is not a TIN
    """
    info = commission_info_of(tax_id)
    if not COMMISSION_ID_PATTERNS['TIN'].fullmatch(info.get('TIN', '')):
        raise FiscalError(FiscalError.COMPANY_TIN, value=tax_id or '')
    return info


def unit_price_and_discount(price_unit, quantity, total):
    """The unit price and discount a receipt states for a document line, in so'm, VAT included.

    The document's own unit price goes on the receipt, and the discount is what takes ``price_unit ×
    quantity`` down to the line's total, so that the totals stay exact: 3 × 4,115.55 at 10 % off, which
    the document totals 11,111.99, gives 4,115.55 and 1,234.66. Only when that price is unknown, is not
    a whole number of tiyin, or falls short of the total (a VAT added on top, rounded per line), is the
    unit price worked back from the total, rounded up to the tiyin.

    :param price_unit: the document's unit price, VAT included, or None when unknown
    :param quantity: the line's quantity, more than 0
    :param total: the line's total after discount, VAT included, as the document states it
    :return: ``(price_unit, discount)`` as Decimal so'm, the discount 0 or more
    """
    quantity, total = _decimal(quantity, FiscalError.FIELD_QUANTITY), _decimal(total, FiscalError.FIELD_TOTAL)
    if price_unit is not None:
        price = _decimal(price_unit, FiscalError.FIELD_PRICE_UNIT)
        if _exact(price) and price * quantity >= total:
            return price, price * quantity - total
    price = (total / quantity).quantize(Decimal('0.01'), rounding=ROUND_CEILING)
    return price, price * quantity - total


def check_lines(lines):
    """Return the labels of the lines that will be receipt items but miss an IKPU (17 digits) or a
    package code, each once, in document order: every product to fix before anything is sent."""
    missing = []
    for line in lines:
        if _kind(line) == 'item' and not _master_data_ok(line) and line.label not in missing:
            missing.append(line.label)
    return missing


def build_items(lines, commission_info):
    """Turn document lines into receipt items (SPEC §9.1).

    Notes and display lines (nothing to pay, quantity 0) are left out, as is a free line without an
    IKPU; a free line with one stays, at price 0. Negative lines are spread as ``Discount``.

    :param lines: ReceiptLine in document order
    :param dict commission_info: ``{'TIN': 9 digits}`` and/or ``{'PINFL': 14 digits}``, for every line that
        gives none of its own (goods sold on commission give their principal's)
    :return: a list of item dicts whose numbers are all ``int``; their ``Price - Discount`` add up
        to the lines' total in tiyin
    :raise FiscalError: when a line cannot go on a receipt
    """
    commission = _commission_info(commission_info)
    lines = list(lines)
    missing = check_lines(lines)
    if missing:
        raise FiscalError(FiscalError.MISSING_MASTER_DATA, line=missing[0] if len(missing) == 1 else None,
                          labels=missing)
    items, negatives = [], []
    for line in lines:
        kind = _kind(line)
        if kind == 'item':
            items.append(_item(line))
        elif kind == 'negative':
            negatives.append(line)
    for line in negatives:
        _spread_negative(line, items)
    if not items:
        raise FiscalError(FiscalError.NO_ITEMS)
    return [_item_dict(item, _line_commission_info(item.line) or commission) for item in items]


def build_receipt(service_id, payment_id, lines, paid_amount, commission_info):
    """Return the whole ``submit_items`` body (SPEC §9.1) for a Click payment of the document.

    :param paid_amount: what Click was paid, in so'm (Decimal); it all goes to ``received_ecash``
    :raise FiscalError: when the items do not add up to the payment exactly, or a line is refused
    """
    service_id, payment_id = _identifier('service_id', service_id), _identifier('payment_id', payment_id)
    paid = _decimal(paid_amount, FiscalError.FIELD_PAYMENT)
    if paid <= 0:
        raise FiscalError(FiscalError.PAYMENT_NOT_POSITIVE, paid=paid)
    paid_tiyin = to_tiyin(paid)
    lines = list(lines)
    items = build_items(lines, commission_info)
    total = sum(item['Price'] - item.get('Discount', 0) - item.get('Other', 0) for item in items)
    if total != paid_tiyin:
        _raise_total_mismatch(lines, total, paid_tiyin)
    return {
        'service_id': service_id,
        'payment_id': payment_id,
        'items': items,
        'received_ecash': paid_tiyin,
        'received_cash': 0,
        'received_card': 0,
    }


def _decimal(value, field=FiscalError.FIELD_AMOUNT, line=None):
    """Read a money or quantity value; a float (Odoo's) is read by its shortest text, never its binary."""
    number = None
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number is None or not number.is_finite():
        raise FiscalError(FiscalError.NOT_A_NUMBER, line=line, field=field, value=repr(value))
    return number


def _line_numbers(line):
    """Return the line's quantity, unit price and discount as Decimals, and its total before discount."""
    quantity = _decimal(line.quantity, FiscalError.FIELD_QUANTITY, line.label)
    price_unit = _decimal(line.price_unit, FiscalError.FIELD_PRICE_UNIT, line.label)
    discount = _decimal(line.discount, FiscalError.FIELD_DISCOUNT, line.label)
    return quantity, price_unit, discount, price_unit * quantity


def _kind(line):
    """``'item'``, ``'negative'`` (spread over the items) or ``'dropped'`` (nothing to pay, or a note)."""
    quantity, _price_unit, _discount, gross = _line_numbers(line)
    if gross < 0:
        return 'negative'
    if gross > 0:
        return 'item'
    return 'item' if quantity > 0 and str(line.spic or '').strip() else 'dropped'


def _master_data_ok(line):
    return bool(SPIC_PATTERN.fullmatch(str(line.spic or '').strip()) and str(line.package_code or '').strip())


def _exact(amount):
    """Tell whether so'm are a whole number of tiyin, so that no rounding happens."""
    scaled = amount * 100
    return scaled == scaled.to_integral_value()


def _vat_percent(line):
    value = line.vat_percent
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or value != int(value) \
            or not 0 <= value <= MAX_VAT_PERCENT:
        raise FiscalError(FiscalError.VAT_RATE, line=line.label, value=value)
    return int(value)


def _item(line):
    quantity, price_unit, discount, gross = _line_numbers(line)
    label = line.label
    if quantity <= 0:
        raise FiscalError(FiscalError.NEGATIVE_QUANTITY, line=label, quantity=quantity)
    if quantity != quantity.to_integral_value():
        raise FiscalError(FiscalError.FRACTIONAL_QUANTITY, line=label, quantity=quantity.normalize())
    if discount < 0 or discount > gross:
        raise FiscalError(FiscalError.DISCOUNT_RANGE, line=label, discount=discount, total=gross)
    price, discount_tiyin = to_tiyin(gross), to_tiyin(discount)
    if price > MAX_UINT64:
        raise FiscalError(FiscalError.LINE_TOO_LARGE, line=label, amount=to_som(price))
    _check_formats(line)
    return _Item(line, int(quantity), to_tiyin(price_unit), price, discount_tiyin, _vat_percent(line))


def _check_formats(line):
    """Refuse an item whose fields break Click's formats; ``check_lines`` has checked its IKPU already."""
    label = line.label
    if len(str(line.package_code).strip()) > MAX_PACKAGE_CODE_LENGTH:
        raise FiscalError(FiscalError.PACKAGE_CODE_LENGTH, line=label, length=MAX_PACKAGE_CODE_LENGTH)
    if len(str(line.barcode or '').strip()) > MAX_BARCODE_LENGTH:
        raise FiscalError(FiscalError.BARCODE_LENGTH, line=label, length=MAX_BARCODE_LENGTH)
    units = line.units_code
    if units is not None and (isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= MAX_UINT64):
        raise FiscalError(FiscalError.UNITS_CODE, line=label, value=repr(units))
    labels = line.labels or ()
    if isinstance(labels, str):
        raise FiscalError(FiscalError.LABELS_NOT_A_LIST, line=label)
    if len(labels) > MAX_LABELS:
        raise FiscalError(FiscalError.TOO_MANY_LABELS, line=label, count=len(labels), limit=MAX_LABELS)
    for code in labels:
        if not isinstance(code, str) or not code.strip() or len(code.strip()) > MAX_LABEL_LENGTH:
            raise FiscalError(FiscalError.LABEL_FORMAT, line=label, value=repr(code), length=MAX_LABEL_LENGTH)
    _line_commission_info(line)
    try:
        receipt_name(line.name, line.unit)
    except FiscalError as error:
        raise FiscalError(error.code, line=label, **error.params) from error


def _spread_negative(line, items):
    """Take a negative line off the items of its VAT rate (or all items), as Discount, exactly."""
    _quantity, _price_unit, discount, gross = _line_numbers(line)
    label = line.label
    if discount < 0 or discount > -gross:
        raise FiscalError(FiscalError.DISCOUNT_RANGE, line=label, discount=discount, total=-gross)
    amount = to_tiyin(-gross) - to_tiyin(discount)
    vat_percent = _vat_percent(line)
    targets = [item for item in items if item.vat_percent == vat_percent and item.original_net > 0]
    over = vat_percent
    if not targets:
        targets = [item for item in items if item.original_net > 0]
        over = None
    available = sum(item.net for item in targets)
    if amount > available:
        raise FiscalError(FiscalError.NEGATIVE_TOO_LARGE, line=label, amount=to_som(amount),
                          available=to_som(available), vat_percent=over)
    for item, share in zip(targets, _largest_remainder(amount, [item.net for item in targets]), strict=True):
        item.discount += share


def _largest_remainder(amount, weights):
    """Split ``amount`` in proportion to ``weights``, in integers that add up to it exactly.

    Each part is rounded down; the tiyin left go one each to the largest remainders, the earlier
    line first on a tie. No part exceeds its weight when ``amount <= sum(weights)``.
    """
    total = sum(weights)
    if not amount or not total:
        return [0] * len(weights)
    parts, remainders = [], []
    for index, weight in enumerate(weights):
        part, remainder = divmod(amount * weight, total)
        parts.append(part)
        remainders.append((-remainder, index))
    for _remainder, index in sorted(remainders)[:amount - sum(parts)]:
        parts[index] += 1
    return parts


def _item_dict(item, commission):
    line = item.line
    result = {'Name': receipt_name(line.name, line.unit)}
    if str(line.barcode or '').strip():
        result['Barcode'] = str(line.barcode).strip()
    if line.labels:
        result['Labels'] = [code.strip() for code in line.labels]
    result['SPIC'] = str(line.spic).strip()
    if line.units_code is not None:
        result['Units'] = line.units_code
    result.update({
        'PackageCode': str(line.package_code).strip(),
        'GoodPrice': item.good_price,
        'Price': item.price,
        'Amount': item.amount,
    })
    if item.discount:
        result['Discount'] = item.discount
    result.update({
        'VAT': vat_of(item.net, item.vat_percent),
        'VATPercent': item.vat_percent,
        'CommissionInfo': dict(commission),
    })
    return result


def _line_commission_info(line):
    if not line.commission_info:
        return None
    try:
        return _commission_info(line.commission_info)
    except FiscalError as error:
        raise FiscalError(FiscalError.LINE_COMMISSION, line=line.label, error=error) from error


def _commission_info(commission_info):
    if not isinstance(commission_info, dict):
        raise FiscalError(FiscalError.COMMISSION_NOT_A_DICT)
    unknown = set(commission_info) - set(COMMISSION_ID_PATTERNS)
    if unknown:
        raise FiscalError(FiscalError.COMMISSION_UNKNOWN_KEYS, keys=', '.join(sorted(map(str, unknown))))
    result = {}
    for key, pattern in COMMISSION_ID_PATTERNS.items():
        value = str(commission_info.get(key) or '').strip()
        if value and not pattern.fullmatch(value):
            raise FiscalError(FiscalError.COMMISSION_ID_FORMAT, kind=key, digits=COMMISSION_ID_LENGTHS[key],
                              value=value)
        if value:
            result[key] = value
    if not result:
        raise FiscalError(FiscalError.COMMISSION_MISSING)
    return result


def _identifier(name, value):
    """Click's ids as ``int``: an int, or its digits as text (ids may be stored as Char, SPEC §11 B)."""
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FiscalError(FiscalError.IDENTIFIER, name=name, value=repr(value))
    return value


def _raise_total_mismatch(lines, total, paid_tiyin):
    amounts = {'total': to_som(total), 'paid': to_som(paid_tiyin)}
    rounded = []
    for line in lines:
        if _kind(line) == 'dropped':
            continue
        _quantity, _price_unit, discount, gross = _line_numbers(line)
        if not (_exact(gross) and _exact(discount)):
            rounded.append(line.label)
    if rounded and abs(total - paid_tiyin) <= len(rounded):
        raise FiscalError(FiscalError.ROUNDING, line=rounded[0], labels=rounded, **amounts)
    raise FiscalError(FiscalError.PARTIAL_PAYMENT if paid_tiyin < total else FiscalError.OVERPAID, **amounts)
