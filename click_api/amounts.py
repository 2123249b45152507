"""So'm amounts as Click writes and compares them (SPEC §2.3, §5.1, §11 E)."""
import re
from decimal import ROUND_HALF_UP, Decimal

_AMOUNT_PATTERN = re.compile(r'-?\d{1,18}(\.\d{1,18})?')
TIYIN = Decimal('0.01')
# Every official Click library accepts a difference of up to one tiyin (SPEC §2.12 step 10).
TOLERANCE = TIYIN


def parse_amount(text):
    """Return the amount in ``text`` as a Decimal, or None unless it is a plain decimal number."""
    if not isinstance(text, str) or not _AMOUNT_PATTERN.fullmatch(text):
        return None
    return Decimal(text)


def to_decimal(amount):
    """Turn an Odoo monetary value (a float already rounded to the currency) into so'm."""
    return Decimal(str(amount)).quantize(TIYIN, rounding=ROUND_HALF_UP)


def format_amount(amount):
    """Write an amount the way the payment button expects it: ``N.NN``."""
    return f'{to_decimal(amount):.2f}'


def amounts_match(received, expected):
    """Tell whether a received amount is within Click's tolerance of the expected one."""
    return abs(received - to_decimal(expected)) <= TOLERANCE
