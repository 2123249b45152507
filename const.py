"""Odoo-side constants of the Click provider."""

# Click's hosted payment page (SPEC §5.1); Click's own plug-ins use the form without a slash.
PAYMENT_PAGE_URL = 'https://my.click.uz/services/pay'

SUPPORTED_CURRENCIES = ('UZS',)

# Merchant API (SPEC §7): (connect, read) seconds Odoo waits for Click.
MERCHANT_API_TIMEOUT = (5, 15)

# Click's reporting day, for status look-ups by date and the reversal window (SPEC §7.5.4-5).
CLICK_TIMEZONE = 'Asia/Tashkent'

# The status sync gives up on payments Click announced longer ago than this.
SYNC_MAX_AGE_DAYS = 35

# What the test-mode emulator can be told to get wrong, the way Click can.
EMULATOR_FAULTS = [
    ('none', "None: behave like Click"),
    ('slow', "Merchant API answers after the client has given up"),
    ('http_500', "Merchant API fails with HTTP 500"),
    ('http_401', "Merchant API refuses the credentials (HTTP 401)"),
    ('business_error', "Merchant API refuses the call (error_code -1)"),
    ('drop_complete', "Payments are debited but Complete is never sent"),
]

DEFAULT_PAYMENT_METHOD_CODES = {'click', 'click_app'}

CARD_TYPES = [
    ('any', "Uzcard or Humo"),
    ('uzcard', "Uzcard only"),
    ('humo', "Humo only"),
]

# Characters a reference keeps when it becomes Click's transaction_param; others become '-'.
UNSAFE_REFERENCE_CHARACTERS = r'[^A-Za-z0-9_.-]+'

# Odoo 18 ships no Uzbek; the module offers it (inactive) so that its uz.po can be loaded.
UZBEK_LANGUAGE = {
    'name': "Uzbek / oʻzbekcha",
    'code': 'uz_UZ',
    'iso_code': 'uz',
    'url_code': 'uz',
    'direction': 'ltr',
    'date_format': '%d.%m.%Y',
    'time_format': '%H:%M:%S',
    'decimal_point': ',',
    'thousands_sep': '\N{NO-BREAK SPACE}',
    'grouping': '[3,0]',
    'week_start': '1',
    'active': False,
}
