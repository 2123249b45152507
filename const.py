"""Odoo-side constants of the Click provider."""
from datetime import timedelta

from .click_api import signing

# Click's hosted payment page (SPEC §5.1); Click's own plug-ins use the form without a slash.
PAYMENT_PAGE_URL = 'https://my.click.uz/services/pay'

# Click's inline payment window (SPEC §6).
CHECKOUT_SCRIPT_URL = 'https://my.click.uz/pay/checkout.js'

# Test mode: the addresses of the module's emulator of Click (emulator/), which serves them.
EMULATOR_PAYMENT_PAGE_URL = '/payment/click/emulator/services/pay'
EMULATOR_CHECKOUT_SCRIPT_URL = f'/payment_click/static/emulator/checkout.js?payment_page={EMULATOR_PAYMENT_PAGE_URL}'
EMULATOR_MERCHANT_API_URL = '/payment/click/emulator/v2/merchant/'
EMULATOR_TELEGRAM_API_URL = '/payment/click/emulator/telegram/'
PAYMENT_WINDOWS = [
    ('redirect', "Redirect: Click's payment page"),
    ('inline', "Inline: Click's window on the shop's page"),
]

SUPPORTED_CURRENCIES = ('UZS',)

# Days the signed return_url shows the payment's state in a browser without the shop's session.
RETURN_LINK_DAYS = 3

# Merchant API (SPEC §7): (connect, read) seconds Odoo waits for Click.
MERCHANT_API_TIMEOUT = (5, 15)

# Click's reporting day, for status look-ups by date and the reversal window (SPEC §7.5.4-5).
CLICK_TIMEZONE = signing.CLICK_TIMEZONE

# The status sync gives up on payments Click announced longer ago than this.
SYNC_MAX_AGE_DAYS = 35
# Odoo asks Click about a payment its customer waits for (status page, status sync) at most this often;
# the status page waits for Click's answer this long (connect, read seconds): it asks again soon.
CUSTOMER_CHECK_INTERVAL = timedelta(seconds=5)
CUSTOMER_CHECK_TIMEOUT = (3, 5)
# A saved card's or CLICK Pass charge Click has not finished counts against what is left to pay for
# this long: a replayed request or a second cashier cannot charge the same balance again meanwhile.
CHARGE_UNDER_WAY = timedelta(hours=1)

# How long core's post-processing cron keeps trying a transaction (payment's _cron_post_process).
POST_PROCESSING_RETRY_LIMIT = timedelta(days=4)
# How long one run of the post-processing cron takes new Click transactions before it triggers the next
# run: well within a cron worker's time limit (120 s by default), beside the other crons it runs.
POST_PROCESSING_RUN_TIME = timedelta(seconds=20)
# A confirmation triggers the post-processing cron now and once more this long after; the ones that
# follow rely on that second trigger while it is due at least POST_PROCESSING_TRIGGER_MARGIN ahead,
# far longer than a callback takes from its check to its commit.
POST_PROCESSING_TRIGGER_SPAN = timedelta(seconds=5)
POST_PROCESSING_TRIGGER_MARGIN = timedelta(seconds=2)

# Click payments inside Telegram (SPEC §10.1): an invoice link a bot creates, paid in Telegram.
TELEGRAM_PAYMENT_METHOD_CODE = 'click_telegram'
# Bot API (connect, read) seconds; a pre-checkout query must be answered within Telegram's 10 seconds,
# its answer's call included.
TELEGRAM_API_TIMEOUT = (5, 8)
TELEGRAM_PRE_CHECKOUT_TIMEOUT = (3, 5)
# Telegram's header carrying the webhook's secret, and the secret's length in random bytes.
TELEGRAM_SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token'
TELEGRAM_SECRET_BYTES = 32

# Cards typed at checkout, paid through a Click card token and optionally saved (SPEC §7.5.7-10).
CARD_PAYMENT_METHOD_CODE = 'click_card'

# What visitors make Click send (an SMS code to a card's owner, an invoice to a phone) within this time:
# at most so many per card or phone number and per browser session; the provider sets its own ceiling.
THROTTLE_WINDOW = timedelta(hours=1)
THROTTLE_PER_SUBJECT = 5
THROTTLE_PER_SESSION = 5
THROTTLE_DEFAULT_PER_PROVIDER = 200
THROTTLE_KINDS = [
    ('sms_code', "SMS code to a card's owner"),
    ('invoice', "Invoice to a phone"),
]

# The documents a back-office Click payment (CLICK Pass, a Telegram link) pays, and the transaction
# field that links them; sale orders only when sale is installed.
DOCUMENT_TRANSACTION_FIELDS = {'account.move': 'invoice_ids', 'sale.order': 'sale_order_ids'}

# What deciding Click's word reads of a transaction and of its documents, fetched at once after the
# row lock: not all their fields, which Odoo would otherwise read at the first one.
DECISION_FIELDS = {
    'payment.transaction': [
        'reference', 'state', 'operation', 'amount', 'currency_id', 'company_id', 'partner_id', 'provider_id',
        'provider_reference', 'click_trans_id', 'click_is_self_test', 'invoice_ids', 'sale_order_ids',
        'source_transaction_id',  # core's _set_done reads it
    ],
    'account.move': ['state', 'move_type', 'amount_total', 'amount_residual', 'currency_id'],
    'sale.order': ['state', 'amount_total', 'currency_id'],
}

DEFAULT_PAYMENT_METHOD_CODES = {'click', 'click_app', CARD_PAYMENT_METHOD_CODE}

ACCEPTED_CARDS = [  # the card brands a provider lets Click offer (its card_type parameter)
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

# The go-live self-test (Click's fifteen scenarios against the provider's own public URLs).
SELF_TEST_AMOUNTS = {'A': 15000.0, 'B': 2500.5, 'C': 99000.0}  # the three fresh payments; never 300
SELF_TEST_REFERENCE = 'CLICK-SELFTEST-{run_id}'  # + '-A', '-B', '-C'; '-X' is the unknown reference
SELF_TEST_TIMEOUT = 10  # seconds each call waits: the simulator's default of SPEC §2.13
SELF_TEST_RESPONSE_LENGTH = 1000  # characters of each answer kept in the report
SELF_TEST_CHECKS = [
    ('callback_urls', "Click can call the Prepare and Complete URLs (public, https)"),
    ('base_url_frozen', "The public address is frozen (web.base.url.freeze)"),
    ('base_url', "The public address (web.base.url) leads to this Odoo"),
    ('proxy_mode', "Odoo sees its public address (--proxy-mode)"),
    ('database', "The public address reaches this database (--db-filter)"),
    ('credentials', "The credentials are complete, the key has no stray spaces"),
    ('currency', "The Uzbek so'm (UZS) is active"),
    ('journal', "A payment journal is set"),
    ('published', "The provider is published"),
    ('telegram_bot', "Telegram accepts the bot's token (getMe)"),
    ('telegram_webhook', "Telegram delivers the bot's updates to this Odoo (getWebhookInfo)"),
    ('telegram_https', "The Telegram webhook is https on port 443, 80, 88 or 8443"),
]

# Fiscal receipts: a passing failure is tried again 5 min × 2^attempts later (at most 6 h), and at most
# this many times in a row (about two days) before the accountant is asked.
FISCAL_RETRY_DELAY = timedelta(minutes=5)
FISCAL_MAX_RETRY_DELAY = timedelta(hours=6)
FISCAL_MAX_ATTEMPTS = 15

# Settlements of Click's payouts: defaults for what only Click's contract can tell (SETTLEMENT.md §1.3, §5).
SETTLEMENT_DEFAULT_RATE = 2.0  # % Click keeps; community sources say 2-2.5 %
SETTLEMENT_DEFAULT_TOLERANCE = 0.5  # percentage points
SETTLEMENT_STATEMENT_PATTERN = r'(?i)click|клик'

# Where Click's word on a payment comes from, as ``payment.transaction._handle_notification_data`` reads it
# (``notification_data['source']``): a Prepare or Complete callback, a Merchant API status answer, a
# saved card's or CLICK Pass charge's answer, a reversal's answer, a payment made in Telegram.
CLICK_NOTIFICATION_SOURCES = ('shop', 'status', 'card', 'pass', 'invoice', 'reversal', 'telegram')
