"""Click payouts: which payments a payout covers, its commission, and Click's registry (SETTLEMENT.md §4).

Amounts are so'm as Decimals rounded to the tiyin; rates and tolerances are percentages.
"""
import csv
import io
import re
from collections import namedtuple
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .amounts import to_decimal

HUNDRED = Decimal(100)
RATE_PLACES = Decimal('0.01')  # effective rates are shown to the hundredth of a percent

# One unsettled payment (a refund has a negative amount), keyed by whatever the caller uses.
Candidate = namedtuple('Candidate', 'key day amount')
# A payout's figures: gross of the payments, net received, Click's commission and its rate (%).
Figures = namedtuple('Figures', 'gross net commission rate')
# One row of Click's registry; ``commission`` is None when the registry does not give it.
RegistryRow = namedtuple('RegistryRow', 'line payment_id amount commission')


class RegistryError(ValueError):
    """Click's registry cannot be read; ``code`` says why, ``args[1:]`` the details."""

    EMPTY = 'empty'
    FORMAT = 'format'
    COLUMNS = 'columns'
    AMOUNT = 'amount'
    DUPLICATE = 'duplicate'

    def __init__(self, code, *details):
        super().__init__(code, *details)
        self.code = code
        self.details = details


def registry_key(payment_id, amount):
    """What tells a payment apart in Click's registry: a reversal keeps the id of the payment it
    reverses, so the id and whether the amount is negative.
    """
    return payment_id, amount < 0


def figures(gross, net):
    """Return the payout's :class:`Figures`; the commission is what Click kept of the gross."""
    gross, net = to_decimal(gross), to_decimal(net)
    commission = gross - net
    rate = (commission * HUNDRED / gross).quantize(RATE_PLACES, rounding=ROUND_HALF_UP) if gross else Decimal(0)
    return Figures(gross, net, commission, rate)


def rate_within(rate, expected, tolerance):
    """Tell whether an effective rate is within ``tolerance`` points of the expected one."""
    return abs(Decimal(rate) - Decimal(str(expected))) <= Decimal(str(tolerance))


def split_tax(commission, tax_percent):
    """Split a commission that includes a percentage tax into (base, tax), each in tiyin."""
    commission = to_decimal(commission)
    base = to_decimal(commission * HUNDRED / (HUNDRED + Decimal(str(tax_percent))))
    return base, commission - base


def cutoff_day(payout_day, lag_days):
    """The last day whose payments a payout can cover: ``lag_days`` before it arrives."""
    return payout_day - timedelta(days=max(lag_days, 0))


def propose(candidates, net, expected_rate, tolerance, payout_day, lag_days):
    """Choose the unsettled payments a payout of ``net`` covers.

    Payments are taken by whole days. Of the runs of consecutive days (among those with payments)
    up to the cut-off, the ones whose gross less the expected commission comes to ``net`` within
    the tolerance qualify; the best ends on the cut-off day (the usual lag), then has the rate
    nearest the expected one, then starts earliest.

    :return: the keys of the chosen candidates, oldest first; empty when no run qualifies
    """
    cutoff = cutoff_day(payout_day, lag_days)
    days = {}
    for candidate in sorted(candidates, key=lambda c: c.day):
        if candidate.day <= cutoff:
            days.setdefault(candidate.day, []).append(candidate)
    ordered = sorted(days)
    best, best_score = [], None
    for start in range(len(ordered)):
        gross = Decimal(0)
        for end in range(start, len(ordered)):
            gross += sum((to_decimal(c.amount) for c in days[ordered[end]]), Decimal(0))
            if gross <= 0 or to_decimal(net) > gross:
                continue
            rate = figures(gross, net).rate
            if not rate_within(rate, expected_rate, tolerance):
                continue
            score = (ordered[end] != ordered[-1], abs(rate - Decimal(str(expected_rate))), start)
            if best_score is None or score < best_score:
                best_score = score
                best = [c.key for day in ordered[start:end + 1] for c in days[day]]
    return best


# === Click's registry === #

COLUMN_NAMES = {
    'payment_id': {
        'click_paydoc_id', 'paydoc_id', 'payment_id', 'click payment id', 'click_payment_id', 'payment',
        'номер платежа', 'id платежа', 'платеж', "to'lov id", 'tolov id',
    },
    'amount': {'amount', 'sum', 'summa', 'сумма', 'сумма платежа', 'gross', "to'lov summasi"},
    'commission': {'commission', 'fee', 'комиссия', 'сумма комиссии', 'komissiya'},
}


def parse_registry(filename, content):
    """Read Click's registry of a payout: a CSV or XLSX file with a header row.

    The header names the Click payment id and amount columns (and optionally the commission), in
    English, Russian or Uzbek (``COLUMN_NAMES``). Empty rows are skipped.

    :return: a list of :class:`RegistryRow`
    :raise RegistryError: when the file cannot be read, or a row is wrong
    """
    if not content:
        raise RegistryError(RegistryError.EMPTY)
    name = (filename or '').lower()
    if name.endswith('.xlsx'):
        rows = _xlsx_rows(content)
    elif name.endswith(('.csv', '.txt')):
        rows = _csv_rows(content)
    else:
        raise RegistryError(RegistryError.FORMAT, filename or '')
    rows = [(number, row) for number, row in rows if any(_cell(value) for value in row)]
    if not rows:
        raise RegistryError(RegistryError.EMPTY)
    columns = _columns(rows[0][1])
    parsed, seen = [], set()
    for number, row in rows[1:]:
        payment_id = _identifier(_at(row, columns['payment_id']))
        amount = _amount(_at(row, columns['amount']), number)
        commission = _amount(_at(row, columns['commission']), number) if 'commission' in columns else None
        if not payment_id or amount is None:
            raise RegistryError(RegistryError.AMOUNT, number, _cell(_at(row, columns['amount'])) or payment_id)
        if registry_key(payment_id, amount) in seen:
            raise RegistryError(RegistryError.DUPLICATE, number, payment_id)
        seen.add(registry_key(payment_id, amount))
        parsed.append(RegistryRow(number, payment_id, amount, commission))
    if not parsed:
        raise RegistryError(RegistryError.EMPTY)
    return parsed


def _csv_rows(content):
    """Rows of a CSV file; the delimiter is the one its header uses most (``;`` in Russian locales)."""
    try:
        text = content.decode('utf-8-sig')
    except UnicodeDecodeError:
        text = content.decode('cp1251')  # Excel's "CSV" on a Russian Windows
    header = next((line for line in text.splitlines() if line.strip()), '')
    delimiter = max(';\t,', key=header.count)
    return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))


def _xlsx_rows(content):
    import openpyxl  # noqa: PLC0415 -- Odoo requires it; only registries in XLSX need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- any unreadable workbook is a wrong file
        raise RegistryError(RegistryError.FORMAT, str(error)) from error
    return list(enumerate(book.worksheets[0].iter_rows(values_only=True), start=1))


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _at(row, index):
    return row[index] if index is not None and index < len(row) else None


def _columns(header):
    found = {}
    for index, value in enumerate(header):
        label = re.sub(r'\s+', ' ', _cell(value).lower())
        for key, names in COLUMN_NAMES.items():
            if label in names and key not in found:
                found[key] = index
    missing = [key for key in ('payment_id', 'amount') if key not in found]
    if missing:
        raise RegistryError(RegistryError.COLUMNS, ', '.join(missing))
    return found


def _identifier(value):
    """A payment id as text: spreadsheets turn ``1946296773`` into 1946296773.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _cell(value)


def _amount(value, line):
    """An amount in so'm: a number, or text with a dot or comma and spaces between thousands."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = value
    else:
        text = re.sub(r'[\s\u00a0\u202f]', '', _cell(value)).replace(',', '.')
        if not text:
            return None
    try:
        amount = to_decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():  # NaN would not compare, to tell a reversal apart
        raise RegistryError(RegistryError.AMOUNT, line, _cell(value))
    return amount


def match_registry(rows, unsettled):
    """Match registry rows with unsettled payments on the Click payment id, exactly; a reversal, which
    keeps its payment's id, matches the refund (see :func:`registry_key`).

    :param dict unsettled: :func:`registry_key` of the Click payment id and amount -> (key, amount) of
        the unsettled payments
    :return: (keys matched, payment ids Odoo cannot settle, [(payment id, registry amount, Odoo amount)]
        whose amounts differ), the matched commissions summed (None unless every row gives one)
    """
    matched, unknown, differing = [], [], []
    commission = Decimal(0)
    for row in rows:
        if registry_key(row.payment_id, row.amount) not in unsettled:
            unknown.append(row.payment_id)
            continue
        key, amount = unsettled[registry_key(row.payment_id, row.amount)]
        if to_decimal(amount) != row.amount:
            differing.append((row.payment_id, row.amount, to_decimal(amount)))
            continue
        matched.append(key)
        if commission is not None and row.commission is not None:
            commission += row.commission
        else:
            commission = None
    return matched, unknown, differing, commission
