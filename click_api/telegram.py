"""Telegram Bot API client for Click payments inside Telegram (SPEC §10.1), and the rules of its payments.

The Bot API is a handful of JSON calls, ``POST {base_url}bot{token}/{method}``, answered
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": n, "description": "..."}``. The bot's
token is in every address: it is masked in every log line and every error's text.

Each failure raises a BotApiError whose ``code`` and ``params`` say what happened; its text is for
the log. The payment rules return codes, not sentences: the Odoo layer words them.
"""
import base64
import enum
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import requests

from .amounts import TIYIN, TOLERANCE, amounts_match, to_decimal
from .merchant import _never_sent, _os_reason, json_object

_logger = logging.getLogger(__name__)

PRODUCTION_BASE_URL = 'https://api.telegram.org/'
MASK = '***'
# What the webhook is told to deliver (setWebhook's allowed_updates).
ALLOWED_UPDATES = ('message', 'pre_checkout_query')
# The ports Telegram delivers webhooks to, over https only.
WEBHOOK_PORTS = (443, 80, 88, 8443)
# Telegram's limit on an invoice's payload, in bytes.
PAYLOAD_MAX_BYTES = 128
# The Bot API calls that change nothing when repeated: retried when Telegram is momentarily down.
IDEMPOTENT_METHODS = frozenset({'getMe', 'getWebhookInfo', 'setWebhook'})
RETRY_STATUSES = (502, 503, 504)
RETRIES = 2
RETRY_BACKOFF = 0.3  # seconds, doubled at each retry


class BotApiError(Exception):
    """Any failed Bot API call. Its text is for the log, with the token masked; ``code`` and
    ``params`` say what happened, for the Odoo layer to word it; ``sent`` whether the request may
    have reached Telegram (only a connection that could not be made at all surely did not)."""

    CONNECT_TIMEOUT = 'connect_timeout'  # seconds
    READ_TIMEOUT = 'read_timeout'        # method, seconds
    UNREACHABLE = 'unreachable'          # reason: the operating system's
    BROKEN = 'broken'                    # method, reason
    BAD_ANSWER = 'bad_answer'            # method, status: not an answer of Telegram's
    REFUSED = 'refused'                  # method, error_code, description: Telegram's

    def __init__(self, message, code=None, params=None, sent=True):
        super().__init__(message)
        self.code = code
        self.params = params or {}
        self.sent = sent


class BotClient:
    """Calls the Bot API as one bot, with one HTTP session per client."""

    def __init__(self, token, base_url=PRODUCTION_BASE_URL, timeout=(5, 8)):
        """
        :param str token: the bot's token, as @BotFather gave it
        :param timeout: ``(connect, read)`` seconds
        """
        self.token = token or ''
        self.base_url = base_url.rstrip('/') + '/'
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({'Accept': 'application/json'})

    def close(self):
        self.session.close()

    def _mask(self, text):
        return text.replace(self.token, MASK) if self.token else text

    def _call(self, method, body=None):
        """Send one Bot API call and return its ``result``.

        :raise BotApiError: when Telegram could not be asked, or did not answer ``ok``
        """
        url = f'{self.base_url}bot{self.token}/{method}'
        attempts = 1 + (RETRIES if method in IDEMPOTENT_METHODS else 0)
        started = time.monotonic()
        for attempt in range(attempts):
            if attempt:
                time.sleep(RETRY_BACKOFF * 2 ** (attempt - 1))
            try:
                response = self.session.post(url, json=body or {}, timeout=self.timeout, allow_redirects=False)
            except requests.RequestException as exc:
                if attempt + 1 < attempts and _never_sent(exc):
                    continue
                # The exception's text names the URL, which holds the token: it is not chained.
                raise self._transport_error(exc, method) from None
            if response.status_code not in RETRY_STATUSES or attempt + 1 == attempts:
                break
        answer = json_object(response)
        _logger.info("Telegram Bot API %s: HTTP %s, ok %s, %.2f s", method, response.status_code,
                     answer.get('ok') if answer else None, time.monotonic() - started)
        if answer is None or not isinstance(answer.get('ok'), bool) or (answer['ok'] and 'result' not in answer):
            raise BotApiError(
                f"The Telegram Bot API answered {method} with HTTP {response.status_code}, not as Telegram does.",
                BotApiError.BAD_ANSWER, {'method': method, 'status': response.status_code},
            )
        if not answer['ok']:
            description = self._mask(str(answer.get('description') or ''))
            raise BotApiError(
                f"Telegram refused {method}: {description or 'no reason given'} "
                f"(error code {answer.get('error_code')}).",
                BotApiError.REFUSED, {'method': method, 'error_code': answer.get('error_code'),
                                      'description': description},
            )
        return answer['result']

    def _transport_error(self, exc, method):
        _logger.info("Telegram Bot API %s failed: %s", method, type(exc).__name__)
        connect, read = self.timeout
        sent = not _never_sent(exc)
        if isinstance(exc, requests.ConnectTimeout):
            code, params = BotApiError.CONNECT_TIMEOUT, {'seconds': connect}
            message = f"Could not reach the Telegram Bot API within {connect} seconds."
        elif isinstance(exc, requests.Timeout):
            code, params = BotApiError.READ_TIMEOUT, {'method': method, 'seconds': read}
            message = f"The Telegram Bot API did not answer {method} within {read} seconds."
        elif not sent:
            code, params = BotApiError.UNREACHABLE, {'reason': _os_reason(exc)}
            message = f"Could not connect to the Telegram Bot API ({_os_reason(exc)})."
        else:
            code, params = BotApiError.BROKEN, {'method': method, 'reason': _os_reason(exc)}
            message = f"The connection to the Telegram Bot API broke during {method} ({_os_reason(exc)})."
        return BotApiError(self._mask(message), code, params, sent=sent)

    def get_me(self):
        """The bot: ``{'id', 'is_bot', 'username', ...}``."""
        return self._call('getMe')

    def set_webhook(self, url, secret_token, allowed_updates=ALLOWED_UPDATES):
        """Have Telegram post the bot's updates to ``url``, with ``secret_token`` in the
        ``X-Telegram-Bot-Api-Secret-Token`` header."""
        return self._call('setWebhook', {
            'url': url, 'secret_token': secret_token, 'allowed_updates': list(allowed_updates),
        })

    def get_webhook_info(self):
        """The webhook as Telegram has it: ``{'url', 'pending_update_count', 'last_error_message', ...}``."""
        return self._call('getWebhookInfo')

    def create_invoice_link(self, title, description, payload, provider_token, currency, prices):
        """An invoice anyone holding the link can pay in Telegram.

        :param list prices: ``[{'label': str, 'amount': int}]``, amounts in the currency's smallest
            unit (tiyin for so'm, see ``to_tiyin``)
        :return: the link
        :rtype: str
        """
        link = self._call('createInvoiceLink', {
            'title': title, 'description': description, 'payload': payload,
            'provider_token': provider_token, 'currency': currency, 'prices': list(prices),
        })
        if not isinstance(link, str) or urlsplit(link).scheme not in ('http', 'https'):
            raise BotApiError("The Telegram Bot API answered createInvoiceLink without a link.",
                              BotApiError.BAD_ANSWER, {'method': 'createInvoiceLink', 'status': 200})
        return link

    def answer_pre_checkout_query(self, pre_checkout_query_id, ok, error_message=None):
        """Tell Telegram whether the payment may go on; ``error_message`` is shown to the payer."""
        body = {'pre_checkout_query_id': pre_checkout_query_id, 'ok': bool(ok)}
        if not ok:
            body['error_message'] = error_message
        return self._call('answerPreCheckoutQuery', body)


# === Amounts: Telegram counts so'm in tiyin === #

def to_tiyin(amount):
    """So'm as Telegram's whole number of the smallest unit: 15000.5 → 1500050."""
    return int(to_decimal(amount) / TIYIN)


def from_tiyin(total_amount):
    """Telegram's ``total_amount`` in so'm."""
    return Decimal(int(total_amount)) * TIYIN


# === Payloads: the transaction an invoice pays, signed === #

def _signature(secret, reference):
    digest = hmac.new(secret.encode(), f'telegram-payload:{reference}'.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode()


def sign_payload(secret, reference):
    """The invoice's payload for the transaction ``reference``: the reference and its signature.

    :raise ValueError: when it would exceed Telegram's 128 bytes
    """
    payload = f'{reference}.{_signature(secret, reference)}'
    if len(payload.encode()) > PAYLOAD_MAX_BYTES:
        raise ValueError(f"the reference {reference!r} is too long for a Telegram payload")
    return payload


def read_payload(secret, payload):
    """The reference a payload signs, or None when it was not signed with ``secret`` (compared in
    constant time)."""
    if not isinstance(payload, str) or '.' not in payload:
        return None
    reference, signature = payload.rsplit('.', 1)
    if not reference or not hmac.compare_digest(signature.encode(), _signature(secret, reference).encode()):
        return None
    return reference


# === Pre-checkout: whether the payment may go on === #

class Refusal(enum.Enum):
    """Why a pre-checkout query is answered ``ok=False``."""
    UNKNOWN = 'unknown'              # forged payload, or no such transaction
    DISABLED = 'disabled'            # the provider starts no payment
    NOT_PAYABLE = 'not_payable'      # the transaction is no payment waiting for its money
    CURRENCY = 'currency'            # not so'm
    AMOUNT = 'amount'                # not the transaction's amount
    TOO_MUCH = 'too_much'            # more than is left to pay on its documents


def pre_checkout_refusal(query_currency, query_total, tx_amount, provider_state, payable, amount_left):
    """Why the payment a pre-checkout query announces must not go on, or None when it may.

    :param str query_currency: the query's ``currency``
    :param int query_total: the query's ``total_amount``, in tiyin
    :param tx_amount: the transaction's amount, in so'm
    :param str provider_state: ``enabled``, ``test`` or ``disabled``
    :param bool payable: whether the transaction is a payment waiting for its money
    :param Decimal amount_left: what is left to pay on its documents, in so'm, None when it pays none
    :rtype: Refusal | None
    """
    if provider_state == 'disabled':
        return Refusal.DISABLED
    if not payable:
        return Refusal.NOT_PAYABLE
    if query_currency != 'UZS':
        return Refusal.CURRENCY
    if isinstance(query_total, bool) or not isinstance(query_total, int) \
            or not amounts_match(from_tiyin(query_total), tx_amount):
        return Refusal.AMOUNT
    if amount_left is not None and from_tiyin(query_total) - max(amount_left, Decimal(0)) > TOLERANCE:
        return Refusal.TOO_MUCH
    return None


# === Webhook: the updates Odoo reads, and no more of them === #

# The payer's Telegram language (from.language_code) → the language Odoo answers in.
PAYER_LANGUAGES = {'uz': 'uz_UZ', 'ru': 'ru_RU'}
DEFAULT_PAYER_LANGUAGE = 'en_US'


@dataclass(frozen=True)
class PreCheckout:
    """A ``pre_checkout_query``: Telegram asks whether the payer may pay."""
    query_id: str
    language: str  # Odoo's code, see payer_language
    currency: str
    total_amount: int  # tiyin
    payload: str


@dataclass(frozen=True)
class Payment:
    """A message's ``successful_payment``: the payer paid."""
    currency: str
    total_amount: int  # tiyin
    payload: str
    telegram_charge_id: str
    provider_charge_id: str


def payer_language(language_code):
    """Odoo's language for a Telegram ``language_code`` (an IETF tag such as ``ru`` or ``uz-UZ``)."""
    prefix = (language_code or '').split('-')[0].lower() if isinstance(language_code, str) else ''
    return PAYER_LANGUAGES.get(prefix, DEFAULT_PAYER_LANGUAGE)


def _text(value):
    return value if isinstance(value, str) and value else None


def _tiyin(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def read_update(update):
    """What an ``Update`` says that Odoo acts on: a PreCheckout, a Payment, or None for anything else
    (other updates, and ones missing what Odoo needs)."""
    if not isinstance(update, dict):
        return None
    query = update.get('pre_checkout_query')
    if isinstance(query, dict):
        sender = query.get('from') if isinstance(query.get('from'), dict) else {}
        values = (_text(query.get('id')), _text(query.get('currency')), _tiyin(query.get('total_amount')),
                  _text(query.get('invoice_payload')))
        if None in values:
            return None
        query_id, currency, total_amount, payload = values
        return PreCheckout(query_id, payer_language(sender.get('language_code')), currency, total_amount, payload)
    message = update.get('message')
    paid = message.get('successful_payment') if isinstance(message, dict) else None
    if isinstance(paid, dict):
        values = (_text(paid.get('currency')), _tiyin(paid.get('total_amount')), _text(paid.get('invoice_payload')),
                  _text(paid.get('telegram_payment_charge_id')), _text(paid.get('provider_payment_charge_id')))
        return None if None in values else Payment(*values)
    return None


# === Webhook: what Telegram needs of its address === #

def webhook_url_problems(url):
    """Why Telegram would not deliver to ``url``: codes ``https`` (it must be https) and ``port``
    (443, 80, 88 or 8443 only); empty when it would."""
    parts = urlsplit(url or '')
    problems = []
    if parts.scheme != 'https':
        problems.append('https')
    try:
        port = parts.port or 443
    except ValueError:
        port = None
    if port not in WEBHOOK_PORTS:
        problems.append('port')
    return problems
