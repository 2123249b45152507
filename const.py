"""Odoo-side constants of the Click provider."""

# Click's hosted payment page (SPEC §5.1); Click's own plug-ins use the form without a slash.
PAYMENT_PAGE_URL = 'https://my.click.uz/services/pay'

SUPPORTED_CURRENCIES = ('UZS',)

DEFAULT_PAYMENT_METHOD_CODES = {'click'}

CARD_TYPES = [
    ('any', "Uzcard or Humo"),
    ('uzcard', "Uzcard only"),
    ('humo', "Humo only"),
]

# Characters a reference keeps when it becomes Click's transaction_param; others become '-'.
UNSAFE_REFERENCE_CHARACTERS = r'[^A-Za-z0-9_.-]+'

# Provider fields that must never reach a log line or a browser.
SECRET_FIELDS = ('click_secret_key',)
