"""Card data the customer types for a Click card token (SPEC §7.5.7-8), read before it goes to Click.

Nothing here keeps or logs a card number: the functions return the cleaned value or None.
"""
import re
from .merchant import mask_card_number

CARD_NUMBER_LENGTH = 16  # Uzcard and Humo numbers (SPEC §7.5.7)
_SEPARATORS = re.compile(r'[\s-]')
_DIGIT_RUN = re.compile(r'\d(?:[\s-]?\d){11,18}')
_EXPIRE_DATE = re.compile(r'(\d{2})\s*/?\s*(\d{2})')
_SMS_CODE = re.compile(r'\d{4,8}')


def luhn_valid(digits):
    """Tell whether a string of digits passes the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def read_card_number(text):
    """Return the 16 digits of a card number typed with or without spaces, or None.

    A number failing the Luhn check is None too: it was mistyped.
    """
    digits = _SEPARATORS.sub('', text) if isinstance(text, str) else ''
    if len(digits) != CARD_NUMBER_LENGTH or not digits.isascii() or not digits.isdigit() \
            or not luhn_valid(digits):
        return None
    return digits


def read_expire_date(text, today):
    """Return a card's expiry as Click wants it, ``MMYY``, or None.

    ``MMYY``, ``MM/YY`` and ``MM YY`` are read; a month outside 01-12 or one already over is None.

    :param date today: the day the card must still be valid on
    """
    match = _EXPIRE_DATE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or not match.group(0).isascii():
        return None
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
        return None
    return f'{month:02d}{year % 100:02d}'


def read_sms_code(text):
    """Return the code of Click's SMS as the integer Click wants (SPEC §7.5.8), or None."""
    code = text.strip() if isinstance(text, str) else ''
    return int(code) if code.isascii() and _SMS_CODE.fullmatch(code) else None


def scrub_card_numbers(text):
    """Mask whatever looks like a card number in ``text``, e.g. a note Click sends back."""
    return _DIGIT_RUN.sub(lambda match: mask_card_number(match.group(0)), str(text))
