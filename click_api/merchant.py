"""Merchant API client (SPEC §7): the merchant's calls to Click, signed with the ``Auth`` header.

Every method returns Click's JSON object with its integer fields as ``int``, or raises a
MerchantApiError whose ``code`` and ``params`` say what happened; its text is for the log.
"""
import enum
import hashlib
import hmac
import logging
import re
import time
from datetime import timedelta
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from .amounts import format_amount, to_decimal
from .shop import PAYMENT_SUCCESSFUL

_logger = logging.getLogger(__name__)

PRODUCTION_BASE_URL = 'https://api.click.uz/v2/merchant/'
# Only GETs are retried, and only on answers that mean "Click is momentarily down". A refused
# connection or a timeout is reported at once: the user would only wait longer. Click's
# Retry-After is not obeyed, as it could hold an Odoo worker for any time.
GET_RETRY = Retry(
    total=2, connect=0, read=False, other=0, allowed_methods=frozenset({'GET'}),
    status_forcelist=(502, 503, 504), backoff_factor=0.3, raise_on_status=False,
    respect_retry_after_header=False,
)
INTEGER_FIELDS = (
    'error_code', 'invoice_id', 'invoice_status', 'payment_id', 'payment_status', 'temporary', 'confirm_mode',
)
_INTEGER = re.compile(r'-?\d{1,19}')
# otp_data is the payer's one-time CLICK Pass code: whoever reads it in time can pay with it.
HIDDEN_FIELDS = frozenset({'secret_key', 'card_token', 'expire_date', 'sms_code', 'otp_data'})
MASK = '***'


class MerchantApiError(Exception):
    """Any failed Merchant API call. Its text is for the log; ``code`` and ``params`` say what happened,
    for the Odoo layer to word it for a person (``messages.merchant_error``); no code: only the text."""

    CONNECT_TIMEOUT = 'connect_timeout'  # base_url, seconds
    READ_TIMEOUT = 'read_timeout'        # endpoint, seconds, may_act: Click may still carry it out
    UNREACHABLE = 'unreachable'          # base_url, reason: the operating system's
    BROKEN = 'broken'                    # endpoint, reason, may_act
    HTTP_STATUS = 'http_status'          # endpoint, status, note: Click's, if any
    BAD_ANSWER = 'bad_answer'            # endpoint, status, problem: an AnswerError
    REFUSED = 'refused'                  # endpoint, error_code, note

    def __init__(self, message, code=None, params=None):
        super().__init__(message)
        self.code = code
        self.params = params or {}


class AnswerError(ValueError):
    """An answer that is not one of Click's: ``code`` says why, ``params`` the details."""

    NOT_JSON = 'not_json'
    NO_ERROR_CODE = 'no_error_code'
    NOT_WHOLE = 'not_whole'              # name: the field
    NO_PAYMENT_ID = 'no_payment_id'
    OTHER_PAYMENT = 'other_payment'      # answered, asked: the payment ids
    QR_NOT_TEXT = 'qr_not_text'
    QR_NOT_URL = 'qr_not_url'

    def __init__(self, code, **params):
        super().__init__(' '.join([code, *(f'{name}={value}' for name, value in params.items())]))
        self.code = code
        self.params = params


class MerchantTransportError(MerchantApiError):
    """No answer from Click: the connection failed or timed out (``timeout`` tells which).

    ``sent`` tells whether the request may have reached Click: only a connection that could not
    be made at all is sure not to have.
    """

    def __init__(self, message, timeout, sent=True, code=None, params=None):
        super().__init__(message, code, params)
        self.timeout = timeout
        self.sent = sent


class MerchantHttpError(MerchantApiError):
    """Click answered with a non-2xx HTTP status; ``error_note`` is Click's, if any."""

    def __init__(self, message, status, error_note=None, code=None, params=None):
        super().__init__(message, code, params)
        self.status = status
        self.error_note = error_note


class MerchantResponseError(MerchantHttpError):
    """Click answered 2xx, but not with a JSON object that says whether the call succeeded."""


class MerchantBusinessError(MerchantApiError):
    """Click answered with ``error_code != 0``; ``error_note`` is Click's reason."""

    def __init__(self, message, error_code, error_note, code=None, params=None):
        super().__init__(message, code, params)
        self.error_code = error_code
        self.error_note = error_note


def merchant_auth_header(merchant_user_id, secret_key, timestamp):
    """Return the ``Auth`` header of SPEC §7.2: ``user_id:sha1(timestamp + secret_key):timestamp``."""
    digest = hashlib.sha1(f'{timestamp}{secret_key}'.encode()).hexdigest()
    return f'{merchant_user_id}:{digest}:{timestamp}'


def mask_card_number(value):
    """Keep only the first six and the last four digits of a card number: ``860012******9012``."""
    text = str(value)
    digits = [index for index, char in enumerate(text) if char.isdigit()]
    hidden = set(digits[6:-4])
    return ''.join('*' if index in hidden else char for index, char in enumerate(text))


def mask_sensitive(data):
    """Return a copy of a request or response body that is safe to log."""
    return {
        key: mask_card_number(value) if key == 'card_number' else MASK if key in HIDDEN_FIELDS else value
        for key, value in data.items()
    }


def outcome_unknown(error):
    """Whether Click may have acted on a call that ended in ``error``: a timeout, a server failure or an
    unreadable answer. A refusal, or a connection that never opened, leaves nothing done at Click."""
    if isinstance(error, MerchantTransportError):
        return error.sent
    if isinstance(error, MerchantResponseError):
        return True
    return isinstance(error, MerchantHttpError) and error.status >= 500


def reversal_allowed(paid_at_tashkent, now_tashkent):
    """Tell whether Click still accepts a reversal of a payment (SPEC §7.5.5).

    Click reverses payments of the current month, and those of the previous month on the 1st only.
    Both datetimes are Asia/Tashkent wall-clock times.
    """
    paid_month = (paid_at_tashkent.year, paid_at_tashkent.month)
    if paid_month == (now_tashkent.year, now_tashkent.month):
        return True
    previous = now_tashkent.replace(day=1) - timedelta(days=1)
    return now_tashkent.day == 1 and paid_month == (previous.year, previous.month)


class Reversal(enum.Enum):
    """What Click's status of a payment that went through tells of its reversal."""
    DONE = 'done'
    NOT_DONE = 'not_done'
    UNKNOWN = 'unknown'


def reversal_state(payment_status, full=True):
    """Read a reversal from the ``payment_status`` of a payment that went through (SPEC §7.5.3).

    Click documents no status for a reversal: a negative status means the payment was reversed. A
    successful one means a full reversal did not happen; a partial reversal leaves it successful,
    so it tells nothing of one.

    :param bool full: whether the reversal in question is of the whole payment
    """
    if payment_status is None:
        return Reversal.UNKNOWN
    if payment_status < 0:
        return Reversal.DONE
    if payment_status == PAYMENT_SUCCESSFUL and full:
        return Reversal.NOT_DONE
    return Reversal.UNKNOWN


def _amount(amount):
    """So'm as a JSON number (SPEC §7.3).

    ``json`` cannot write a Decimal, so the amount rounded to the tiyin goes out as a float, whose
    shortest representation has the same digits as ``N.NN`` (trailing zeros aside: ``15000.0``,
    ``1500.5``); this is exact for any amount under 10^13 so'm.
    """
    return float(to_decimal(amount))


def json_object(response):
    """The JSON object an HTTP answer holds, or None when it holds none."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _typed(body):
    """Return Click's JSON object with its integer fields as ``int``, whether written as numbers or text.

    :raise AnswerError: saying why ``body`` is not an answer of Click's
    """
    if body is None:
        raise AnswerError(AnswerError.NOT_JSON)
    if body.get('error_code') is None:
        raise AnswerError(AnswerError.NO_ERROR_CODE)
    typed = dict(body)
    for name in INTEGER_FIELDS:
        if name in typed:
            typed[name] = _whole_number(typed[name], name)
    return typed


def _whole_number(value, name):
    """Return a whole number Click wrote as a JSON number or as text; None stays None.

    :raise AnswerError: naming ``name`` when ``value`` is anything else
    """
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise AnswerError(AnswerError.NOT_WHOLE, name=name)
    return value


def _fiscal_data_answer(body, payment_id):
    """Read the answer of SPEC §9.3, ``{"paymentId": …, "qrCodeURL": …}``, into snake_case.

    Click's example of this one endpoint has camelCase keys and no ``error_code``: a missing
    ``error_code`` means success here, while one other than 0 is still Click's refusal.

    :return: the answer with ``error_code``, ``payment_id`` (int) and ``qr_code_url`` (the receipt's
        http(s) address, or None while Click has no receipt for the payment)
    :raise AnswerError: saying why ``body`` is not that answer, or is the answer about another payment
    """
    if body is None:
        raise AnswerError(AnswerError.NOT_JSON)
    typed = _typed(body if body.get('error_code') is not None else dict(body, error_code=0))
    if typed['error_code'] != 0:
        return typed
    answered_id = _whole_number(typed.pop('paymentId', None), 'paymentId')
    answered_id = typed.get('payment_id') if answered_id is None else answered_id
    if answered_id is None:
        raise AnswerError(AnswerError.NO_PAYMENT_ID)
    if answered_id != payment_id:
        raise AnswerError(AnswerError.OTHER_PAYMENT, answered=answered_id, asked=payment_id)
    qr_code_url = typed.pop('qrCodeURL', typed.get('qr_code_url'))
    if qr_code_url is not None and not isinstance(qr_code_url, str):
        raise AnswerError(AnswerError.QR_NOT_TEXT)
    qr_code_url = (qr_code_url or '').strip() or None
    if qr_code_url and urlsplit(qr_code_url).scheme not in ('http', 'https'):
        raise AnswerError(AnswerError.QR_NOT_URL)
    return dict(typed, payment_id=answered_id, qr_code_url=qr_code_url)


def _tiyin(value, name):
    """A money field of SPEC §9: a whole number of tiyin, never a float that could hide a fraction."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole, non-negative number of tiyin, not {value!r}")
    return value


def _http_error(status, endpoint, note):
    """The error of a non-2xx answer; ``note`` is Click's ``error_note``, if any."""
    return MerchantHttpError(
        f"Click's Merchant API answered HTTP {status} to {endpoint}." + (f" Click says: {note}" if note else ''),
        status, note,
        code=MerchantApiError.HTTP_STATUS, params={'endpoint': endpoint, 'status': status, 'note': note},
    )


def _never_sent(exc):
    """Whether a failed call surely never reached Click: no connection could be made.

    A connection dropped later (reset, closed before the answer) may have carried the request.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)  # urllib3's MaxRetryError holds the cause
    return isinstance(reason, NewConnectionError)


def _os_reason(exc):
    """The operating system's reason for a failed connection, e.g. ``Connection refused``."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.strerror:
            return exc.strerror
        exc = exc.__cause__ or exc.__context__
    return "connection failed"


class MerchantClient:
    """Calls Click's Merchant API for one service, with one HTTP session per client."""

    def __init__(self, service_id, merchant_user_id, secret_key, base_url=PRODUCTION_BASE_URL,
                 timeout=(5, 20), clock=time.time):
        """
        :param timeout: ``(connect, read)`` seconds
        :param clock: returns the current UNIX time, read once per call for the ``Auth`` header
        """
        self.service_id = int(service_id)
        self.merchant_user_id = merchant_user_id
        self.secret_key = secret_key
        self.base_url = base_url.rstrip('/') + '/'
        self.timeout = timeout
        self.clock = clock
        self.session = requests.Session()
        self.session.headers.update({'Accept': 'application/json', 'Content-Type': 'application/json'})
        self.session.mount('http://', HTTPAdapter(max_retries=GET_RETRY))
        self.session.mount('https://', HTTPAdapter(max_retries=GET_RETRY))

    def close(self):
        self.session.close()

    def _call(self, method, path, json=None, log_path=None, read=_typed):
        """Send one signed request and return Click's answer, typed.

        :param str log_path: ``path`` as it may be logged, when it holds a secret
        :param read: types a 2xx answer's JSON object (None when there is none), raising ValueError
            when it is not an answer of Click's; the typed answer must carry an int ``error_code``
        """
        endpoint = f'{method} {log_path or path}'
        timestamp = int(self.clock())
        auth = merchant_auth_header(self.merchant_user_id, self.secret_key, timestamp)
        _logger.debug("Click Merchant API %s, Auth %s:%s:%s, body %s", endpoint, self.merchant_user_id, MASK,
                      timestamp, mask_sensitive(json) if json else None)
        started = time.monotonic()
        try:
            response = self.session.request(method, self.base_url + path, json=json, headers={'Auth': auth},
                                            timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            # The exception's text names the full URL, which may hold a card token: it is not chained.
            raise self._transport_error(exc, endpoint, method) from None
        body = json_object(response)
        _logger.info("Click Merchant API %s: HTTP %s, error_code %s, %.2f s", endpoint, response.status_code,
                     body.get('error_code') if body else None, time.monotonic() - started)
        _logger.debug("Click Merchant API %s answered %s", endpoint, mask_sensitive(body) if body else None)
        note = body.get('error_note') if body else None
        if not 200 <= response.status_code < 300:
            raise _http_error(response.status_code, endpoint, note)
        try:
            body = read(body)
        except AnswerError as exc:
            raise MerchantResponseError(
                f"Click's Merchant API answered {endpoint} with HTTP {response.status_code}, not as Click does "
                f"({exc}): the outcome is unknown.",
                response.status_code, note,
                code=MerchantApiError.BAD_ANSWER,
                params={'endpoint': endpoint, 'status': response.status_code, 'problem': exc},
            ) from None
        if body['error_code'] != 0:
            raise MerchantBusinessError(
                f"Click refused {endpoint}: {note or 'no reason given'} (error code {body['error_code']}).",
                body['error_code'], note,
                code=MerchantApiError.REFUSED,
                params={'endpoint': endpoint, 'error_code': body['error_code'], 'note': note},
            )
        return body

    def _transport_error(self, exc, endpoint, method):
        _logger.info("Click Merchant API %s failed: %s", endpoint, type(exc).__name__)
        connect, read = self.timeout
        may_act = method != 'GET'
        if isinstance(exc, requests.ConnectTimeout):
            code, params = MerchantApiError.CONNECT_TIMEOUT, {'base_url': self.base_url, 'seconds': connect}
            message = f"Could not reach Click's Merchant API at {self.base_url} within {connect} seconds."
        elif isinstance(exc, requests.Timeout):
            code, params = MerchantApiError.READ_TIMEOUT, {'endpoint': endpoint, 'seconds': read, 'may_act': may_act}
            message = f"Click's Merchant API did not answer {endpoint} within {read} seconds."
        elif _never_sent(exc):
            code, params = MerchantApiError.UNREACHABLE, {'base_url': self.base_url, 'reason': _os_reason(exc)}
            message = f"Could not connect to Click's Merchant API at {self.base_url} ({_os_reason(exc)})."
        else:
            code = MerchantApiError.BROKEN
            params = {'endpoint': endpoint, 'reason': _os_reason(exc), 'may_act': may_act}
            message = f"The connection to Click's Merchant API broke during {endpoint} ({_os_reason(exc)})."
        if params.get('may_act'):
            message += " Click may have carried it out."
        return MerchantTransportError(message, timeout=isinstance(exc, requests.Timeout), sent=not _never_sent(exc),
                                      code=code, params=params)

    def create_invoice(self, amount, phone_number, merchant_trans_id):
        """Send a payment request to the Click user with this phone number (SPEC §7.5.1).

        :return: Click's answer, with ``invoice_id``
        """
        return self._call('POST', 'invoice/create', {
            'service_id': self.service_id, 'amount': _amount(amount), 'phone_number': phone_number,
            'merchant_trans_id': merchant_trans_id,
        })

    def invoice_status(self, invoice_id):
        """SPEC §7.5.2: ``invoice_status`` and ``invoice_status_note``."""
        return self._call('GET', f'invoice/status/{self.service_id}/{int(invoice_id)}')

    def payment_status(self, payment_id):
        """SPEC §7.5.3: ``payment_status`` of a payment (``payment_id`` is Click's ``click_paydoc_id``)."""
        return self._call('GET', f'payment/status/{self.service_id}/{int(payment_id)}')

    def payment_status_by_mti(self, merchant_trans_id, date):
        """SPEC §7.5.4: find a payment by our reference and the (Tashkent) date it was created on."""
        return self._call(
            'GET', f'payment/status_by_mti/{self.service_id}/{quote(merchant_trans_id, safe="")}/{date:%Y-%m-%d}'
        )

    def reverse_payment(self, payment_id):
        """SPEC §7.5.5: reverse a whole payment; see ``reversal_allowed`` for Click's time window."""
        return self._call('DELETE', f'payment/reversal/{self.service_id}/{int(payment_id)}')

    def partial_reverse_payment(self, payment_id, amount):
        """SPEC §7.5.6: reverse part of a payment (undocumented by Click; keep behind a feature flag)."""
        return self._call(
            'DELETE', f'payment/partial_reversal/{self.service_id}/{int(payment_id)}/{format_amount(amount)}'
        )

    def request_card_token(self, card_number, expire_date, temporary=True):
        """SPEC §7.5.7: ask for a card token; Click texts a code to the card's phone.

        :param str expire_date: ``MMYY``
        :param bool temporary: whether Click deletes the token after one payment
        """
        return self._call('POST', 'card_token/request', {
            'service_id': self.service_id, 'card_number': card_number, 'expire_date': expire_date,
            'temporary': int(bool(temporary)),
        })

    def verify_card_token(self, card_token, sms_code):
        """SPEC §7.5.8: confirm a card token with the code the card holder received."""
        return self._call('POST', 'card_token/verify', {
            'service_id': self.service_id, 'card_token': card_token, 'sms_code': int(sms_code),
        })

    def pay_with_card_token(self, card_token, amount, transaction_parameter):
        """SPEC §7.5.9 and §11 G: charge a verified card token.

        :return: Click's answer, with ``payment_id`` and ``payment_status``
        """
        return self._call('POST', 'card_token/payment', {
            'service_id': self.service_id, 'card_token': card_token, 'amount': _amount(amount),
            'transaction_parameter': transaction_parameter,
        })

    def delete_card_token(self, card_token):
        """SPEC §7.5.10."""
        return self._call('DELETE', f'card_token/{self.service_id}/{quote(card_token, safe="")}',
                          log_path=f'card_token/{self.service_id}/{MASK}')

    # === CLICK Pass (SPEC §8): QR payments at the counter === #

    def click_pass_payment(self, otp_data, amount, cashbox_code=None, transaction_id=None):
        """SPEC §8.2: charge the payer whose Click app shows the QR code holding ``otp_data``.

        :param str cashbox_code: the cash desk, sent when given
        :param str transaction_id: the merchant's reference of the payment, sent when given
        :return: Click's answer, with ``payment_id``, ``payment_status``, ``confirm_mode`` and the
            masked card (``card_type``, ``processing_type``, ``card_number``)
        """
        body = {'service_id': self.service_id, 'otp_data': otp_data, 'amount': _amount(amount)}
        if cashbox_code:
            body['cashbox_code'] = cashbox_code
        if transaction_id:
            body['transaction_id'] = transaction_id
        return self._call('POST', 'click_pass/payment', body)

    def confirm_click_pass_payment(self, payment_id):
        """SPEC §8.3: confirm a payment made in confirmation mode; Click cancels it after 30 seconds otherwise."""
        return self._call('POST', 'click_pass/confirm', {'service_id': self.service_id, 'payment_id': int(payment_id)})

    def set_click_pass_confirmation(self, enabled):
        """SPEC §8.3: turn the service's confirmation mode on or off."""
        return self._call('PUT' if enabled else 'DELETE', f'click_pass/confirmation/{self.service_id}')

    # === Fiscal receipts (SPEC §9): money in whole tiyin === #

    def submit_fiscal_items(self, payment_id, items, received_ecash, received_cash=0, received_card=0):
        """SPEC §9.1: send the fiscal receipt of a payment, as its items.

        The items are sent as given (see ``click_api.fiscal``); they are logged at DEBUG level only.

        :param payment_id: Click's ``click_paydoc_id`` of the payment
        :param list items: the receipt's lines, every amount in them a whole number of tiyin
        :param int received_ecash: tiyin paid electronically, i.e. the Click payment's amount × 100;
            ``received_cash`` and ``received_card`` likewise
        :raise ValueError: when an amount is not a whole number of tiyin; nothing is sent then
        """
        return self._call('POST', 'payment/ofd_data/submit_items', {
            'service_id': self.service_id, 'payment_id': int(payment_id), 'items': list(items),
            'received_ecash': _tiyin(received_ecash, 'received_ecash'),
            'received_cash': _tiyin(received_cash, 'received_cash'),
            'received_card': _tiyin(received_card, 'received_card'),
        })

    def submit_fiscal_qrcode(self, payment_id, qrcode):
        """SPEC §9.2: attach a receipt the merchant's own cash register issued, by its QR address."""
        return self._call('POST', 'payment/ofd_data/submit_qrcode', {
            'service_id': self.service_id, 'payment_id': int(payment_id), 'qrcode': qrcode,
        })

    def fiscal_data(self, payment_id):
        """SPEC §9.3: the fiscal receipt Click holds for a payment.

        :return: Click's answer, with ``payment_id`` (int) and ``qr_code_url``: the receipt's
            address, or None while Click has none yet
        """
        payment_id = int(payment_id)
        return self._call('GET', f'payment/ofd_data/{self.service_id}/{payment_id}',
                          read=lambda body: _fiscal_data_answer(body, payment_id))


def check_auth(header, merchant_user_id, secret_key, now, max_skew=300):
    """Tell why Click would refuse an ``Auth`` header (SPEC §7.2), or return None when it is valid.

    :param float now: the current UNIX time
    :param int max_skew: how many seconds the header's timestamp may be off; Click documents none
    """
    parts = (header or '').split(':')
    if len(parts) != 3 or not all(parts) or not (parts[2].isascii() and parts[2].isdigit()):
        return "the Auth header must read merchant_user_id:digest:timestamp"
    user_id, digest, timestamp = parts
    if user_id != str(merchant_user_id):
        return f"the merchant_user_id {user_id} is not this service's API user"
    expected = merchant_auth_header(merchant_user_id, secret_key, timestamp).split(':')[1]
    if not hmac.compare_digest(digest.encode(), expected.encode()):
        return "the Auth digest is not sha1(timestamp + secret_key): check the secret key"
    if abs(now - int(timestamp)) > max_skew:
        return f"the Auth timestamp is more than {max_skew} seconds away from Click's clock"
    return None
