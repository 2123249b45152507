"""Telegram's Bot API and payment sheet as the test-mode emulator plays them, for bots paid through Click.

Plain rules over plain values: Telegram's answers, the checks of the calls a shop makes, and the
updates Telegram sends to a shop's webhook. The emulator's models keep the state in the database.
"""
import re
import secrets
import time
from dataclasses import dataclass

# Telegram cancels a payment when the bot has not answered its pre_checkout_query within 10 seconds.
PRE_CHECKOUT_TIMEOUT = 10
# How often the emulator looks for the bot's answer, and waits between deliveries of an update.
ANSWER_POLL_INTERVAL = 0.2
# Times the emulator's thread tries a step that meets a concurrent update (the Pay request committing).
MAX_TRIES = 5
PRE_CHECKOUT_RETRY_DELAY = 3
REDELIVERY_DELAY = 0.5
MAX_DELIVERIES = 5  # of a successful_payment update the webhook does not take (Telegram tries for longer)
WEBHOOK_TIMEOUT = (5, 15)  # (connect, read) seconds Telegram waits for a webhook
SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token'
WRONG_SECRET = 'not-the-secret-the-bot-set'
# The payer on the other side of the emulated sheet.
PAYER = {'id': 700000001, 'is_bot': False, 'first_name': "Aziz", 'last_name': "Karimov", 'username': 'aziz_payer'}
PAYER_LANGUAGES = ('en', 'ru', 'uz')
CURRENCY = 'UZS'  # the one currency of Click's terminal
MAX_TITLE = 32
MAX_DESCRIPTION = 255
MAX_PAYLOAD_BYTES = 128
MAX_ERROR_MESSAGE = 255
_TOKEN = re.compile(r'(\d{1,20}):[A-Za-z0-9_-]{30,64}')
_SECRET = re.compile(r'[A-Za-z0-9_-]{1,256}')
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# What the emulated Telegram can be told to get wrong, the way Telegram and networks do.
FAULTS = [
    ('none', "None: behave like Telegram"),
    ('redeliver', "Successful payments are delivered twice"),
    ('late_answer', "The bot's pre-checkout answer arrives after 10 seconds: the payment is cancelled"),
    ('webhook_500', "The webhook's answer to a successful payment is lost: Telegram sees HTTP 500 and retries"),
    ('wrong_secret', "Updates carry a wrong secret token header"),
]


class BotApiRefusal(Exception):
    """A Bot API call the emulator refuses, as Telegram answers it."""

    def __init__(self, error_code, description):
        super().__init__(description)
        self.error_code = error_code
        self.description = description

    def answer(self):
        return {'ok': False, 'error_code': self.error_code, 'description': self.description}


def success(result, **extra):
    return {'ok': True, 'result': result, **extra}


def bad_request(reason):
    return BotApiRefusal(400, f"Bad Request: {reason}")


UNAUTHORIZED = BotApiRefusal(401, "Unauthorized")
NOT_FOUND = BotApiRefusal(404, "Not Found")


def bot_id(token):
    """The bot's numeric id, the part of its token before the colon; None for a malformed token."""
    match = _TOKEN.fullmatch(token or '')
    return int(match.group(1)) if match else None


def bot_username(token):
    return f'click_shop_{bot_id(token)}_bot'


def get_me(token, first_name):
    """getMe's User of the bot of ``token``."""
    return {
        'id': bot_id(token), 'is_bot': True, 'first_name': first_name, 'username': bot_username(token),
        'can_join_groups': True, 'can_read_all_group_messages': False, 'supports_inline_queries': False,
        'can_connect_to_business': False, 'has_main_web_app': False,
    }


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str
    allowed_updates: list


def read_webhook(params):
    """The webhook setWebhook sets; an empty url removes it.

    Telegram requires https on port 443, 80, 88 or 8443; the emulator also takes the http address
    of a test server, which Telegram would refuse.
    """
    url = params.get('url') or ''
    if url and not re.match(r'https?://[^/\s]+', url):
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    secret_token = params.get('secret_token') or ''
    if secret_token and not _SECRET.fullmatch(secret_token):
        raise bad_request("secret token contains unallowed characters")
    allowed_updates = params.get('allowed_updates') or []
    if not isinstance(allowed_updates, list) or not all(isinstance(kind, str) for kind in allowed_updates):
        raise bad_request("can't parse allowed updates")
    return Webhook(url, secret_token, allowed_updates)


@dataclass(frozen=True)
class InvoiceRequest:
    title: str
    description: str
    payload: str
    provider_token: str
    currency: str
    total: int  # in the currency's smallest unit: tiyin


def read_invoice(params):
    """The invoice of a createInvoiceLink or sendInvoice call, checked as Telegram checks it."""
    title, description = params.get('title'), params.get('description')
    payload, provider_token = params.get('payload'), params.get('provider_token')
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_TITLE:
        raise bad_request("TITLE_INVALID")
    if not isinstance(description, str) or not 1 <= len(description) <= MAX_DESCRIPTION:
        raise bad_request("DESCRIPTION_INVALID")
    if not isinstance(payload, str) or not 1 <= len(payload.encode()) <= MAX_PAYLOAD_BYTES:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    # A live terminal's token has no place in test mode.
    if not isinstance(provider_token, str) or not provider_token or ':LIVE:' in provider_token:
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    if params.get('currency') != CURRENCY:
        raise bad_request("CURRENCY_INVALID")
    prices = params.get('prices')
    if not isinstance(prices, list) or not prices or not all(
        isinstance(price, dict) and isinstance(price.get('label'), str)
        and isinstance(price.get('amount'), int) and not isinstance(price.get('amount'), bool)
        for price in prices
    ):
        raise bad_request("can't parse prices JSON object")
    total = sum(price['amount'] for price in prices)
    if total <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return InvoiceRequest(title, description, payload, provider_token, CURRENCY, total)


@dataclass(frozen=True)
class PreCheckoutAnswer:
    query_id: str
    ok: bool
    error_message: str


def read_pre_checkout_answer(params):
    """The bot's answerPreCheckoutQuery: a refusal must say why, in a message the payer reads."""
    query_id, ok, error_message = params.get('pre_checkout_query_id'), params.get('ok'), params.get('error_message')
    if not isinstance(query_id, str) or not query_id:
        raise bad_request("QUERY_ID_INVALID")
    if not isinstance(ok, bool):
        raise bad_request("parameter \"ok\" is required")
    if not ok and (not isinstance(error_message, str) or not error_message.strip()):
        raise bad_request("ERROR_MESSAGE_EMPTY")
    return PreCheckoutAnswer(query_id, ok, '' if ok else error_message[:MAX_ERROR_MESSAGE])


def new_slug():
    return secrets.token_urlsafe(16)


def new_query_id():
    return str(secrets.randbits(63))


def payer(language_code):
    return {**PAYER, 'language_code': language_code if language_code in PAYER_LANGUAGES else 'en'}


def pre_checkout_query_update(update_id, query_id, language_code, currency, total, payload):
    return {'update_id': update_id, 'pre_checkout_query': {
        'id': query_id, 'from': payer(language_code), 'currency': currency, 'total_amount': total,
        'invoice_payload': payload,
    }}


def successful_payment_update(update_id, message_id, language_code, currency, total, payload, charge_id,
                              provider_charge_id):
    sender = payer(language_code)
    chat = {key: sender[key] for key in ('id', 'first_name', 'last_name', 'username')}
    return {'update_id': update_id, 'message': {
        'message_id': message_id, 'date': int(time.time()), 'from': sender, 'chat': {**chat, 'type': 'private'},
        'successful_payment': {
            'currency': currency, 'total_amount': total, 'invoice_payload': payload,
            'telegram_payment_charge_id': charge_id, 'provider_payment_charge_id': provider_charge_id,
        },
    }}


def invoice_message(message_id, chat_id, bot, invoice):
    """sendInvoice's Message: the invoice as the payer's chat shows it."""
    return {
        'message_id': message_id, 'date': int(time.time()), 'from': bot,
        'chat': {'id': chat_id, 'type': 'private'},
        'invoice': {'title': invoice.title, 'description': invoice.description, 'start_parameter': '',
                    'currency': invoice.currency, 'total_amount': invoice.total},
    }


def telegram_charge_id(bot, update_id):
    """A telegram_payment_charge_id in Telegram's shape: unique per payment."""
    return f'{bot}_{PAYER["id"]}_{update_id}_{secrets.token_hex(4)}'


def webhook_error(status):
    """getWebhookInfo's last_error_message for a webhook that answered HTTP ``status``, or could not be reached."""
    return f"Wrong response from the webhook: {status}" if status else "Connection refused"
