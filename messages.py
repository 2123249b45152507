"""The words of ``click_api``'s codes: each code, and each menu path, written once, in the reader's language.

The pure layer says what went wrong as a code and its values; the functions here take the ``env`` of
whoever reads the text and word it with ``env._``, so that it lands in the module's .pot.
"""
from odoo.tools import formatLang

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import deployment, settlement
from odoo.addons.payment_click.click_api.fiscal import FiscalError
from odoo.addons.payment_click.click_api.merchant import AnswerError, MerchantApiError
from odoo.addons.payment_click.click_api.self_test import Cause
from odoo.addons.payment_click.click_api.telegram import BotApiError, Refusal

# === MENU PATHS === #


def send_receipt_menu(env):
    """The action that sends a payment's fiscal receipt to Click again."""
    return env._("Action > Send fiscal receipt to Click")


def attach_receipt_menu(env):
    """The action that attaches a receipt the merchant's cash register issued."""
    return env._("Action > Attach an existing receipt (QR URL)")


def system_parameters_menu(env):
    return env._("Settings > Technical > System Parameters")


def currencies_menu(env):
    return env._("Accounting > Configuration > Currencies")


# === THE MERCHANT API === #

_HTTP_MEANINGS = {  # SPEC §7.4, completed for statuses Click does not list
    400: lambda env: env._("bad request: Click could not read the data or the address"),
    401: lambda env: env._("not authorized: check the Merchant User ID and Secret Key, and this server's clock"),
    403: lambda env: env._("forbidden: this Merchant User may not call this method; ask Click to allow it"),
    404: lambda env: env._("not found: check the API base URL"),
    406: lambda env: env._("not acceptable: Click refused the data type"),
    410: lambda env: env._("gone: Click no longer offers this method"),
    500: lambda env: env._("Click had an internal error; try again later"),
    502: lambda env: env._("Click's service is down or being upgraded; try again later"),
    503: lambda env: env._("Click's service is unavailable; try again later"),
    504: lambda env: env._("Click's service did not answer in time; try again later"),
}

_ANSWER_PROBLEMS = {
    AnswerError.NOT_JSON: lambda env, p: env._("the answer is not the JSON object Click sends"),
    AnswerError.NO_ERROR_CODE: lambda env, p: env._("the answer has no error_code"),
    AnswerError.NOT_WHOLE: lambda env, p: env._("the answer's %(name)s is not a whole number", **p),
    AnswerError.NO_PAYMENT_ID: lambda env, p: env._("the answer has no paymentId"),
    AnswerError.OTHER_PAYMENT: lambda env, p: env._("the answer is about payment %(answered)s, not %(asked)s", **p),
    AnswerError.QR_NOT_TEXT: lambda env, p: env._("the answer's qrCodeURL is not text"),
    AnswerError.QR_NOT_URL: lambda env, p: env._("the answer's qrCodeURL is not a web address"),
}


def _http_meaning(env, status):
    meaning = _HTTP_MEANINGS.get(status)
    if meaning:
        return meaning(env)
    return env._("Click's server failed; try again later") if status >= 500 else env._("an unexpected answer")


def _http_status(env, p):
    text = env._("Click's Merchant API answered HTTP %(status)s to %(endpoint)s: %(meaning)s.",
                 status=p['status'], endpoint=p['endpoint'], meaning=_http_meaning(env, p['status']))
    return env._("%(text)s Click says: %(note)s", text=text, note=p['note']) if p.get('note') else text


_MERCHANT = {
    MerchantApiError.CONNECT_TIMEOUT: lambda env, p: env._(
        "Could not reach Click's Merchant API at %(base_url)s within %(seconds)s seconds: check this server's "
        "internet connection and firewall.", **p),
    MerchantApiError.READ_TIMEOUT: lambda env, p: env._(
        "Click's Merchant API did not answer %(endpoint)s within %(seconds)s seconds.", **p),
    MerchantApiError.UNREACHABLE: lambda env, p: env._(
        "Could not connect to Click's Merchant API at %(base_url)s (%(reason)s): check this server's internet "
        "connection and the API base URL.", **p),
    MerchantApiError.BROKEN: lambda env, p: env._(
        "The connection to Click's Merchant API broke during %(endpoint)s (%(reason)s).", **p),
    MerchantApiError.HTTP_STATUS: _http_status,
    MerchantApiError.BAD_ANSWER: lambda env, p: env._(
        "Click's Merchant API answered %(endpoint)s with HTTP %(status)s, but %(problem)s; the outcome is unknown, "
        "check it in Click's merchant cabinet.", endpoint=p['endpoint'], status=p['status'],
        problem=_ANSWER_PROBLEMS[p['problem'].code](env, p['problem'].params)),
    MerchantApiError.REFUSED: lambda env, p: env._(
        "Click refused %(endpoint)s: %(note)s (error code %(error_code)s).", endpoint=p['endpoint'],
        note=p['note'] or env._("no reason given"), error_code=p['error_code']),
}


def merchant_error(env, error):
    """A failed Merchant API call (a ``merchant.MerchantApiError``) in words; any other error as its text."""
    code = getattr(error, 'code', None)
    if code not in _MERCHANT:
        return str(error)
    text = _MERCHANT[code](env, error.params)
    if error.params.get('may_act'):
        text = env._("%s Click may still carry it out: check the payment's status before trying again.", text)
    return text


# === TELEGRAM === #

_TELEGRAM = {
    BotApiError.CONNECT_TIMEOUT: lambda env, p: env._(
        "Could not reach Telegram within %(seconds)s seconds: check this server's internet connection and "
        "firewall.", **p),
    BotApiError.READ_TIMEOUT: lambda env, p: env._(
        "Telegram did not answer %(method)s within %(seconds)s seconds; try again.", **p),
    BotApiError.UNREACHABLE: lambda env, p: env._(
        "Could not connect to Telegram (%(reason)s): check this server's internet connection.", **p),
    BotApiError.BROKEN: lambda env, p: env._(
        "The connection to Telegram broke during %(method)s (%(reason)s); try again.", **p),
    BotApiError.BAD_ANSWER: lambda env, p: env._(
        "Telegram answered %(method)s with HTTP %(status)s, not as Telegram does; try again later.", **p),
    BotApiError.REFUSED: lambda env, p: env._(
        "Telegram refused %(method)s: %(description)s (error %(error_code)s). Check the bot's token and the "
        "payments token that @BotFather gave.", method=p['method'], error_code=p['error_code'],
        description=p['description'] or env._("no reason given")),
}


def telegram_error(env, error):
    """A failed Bot API call (a ``telegram.BotApiError``) in words; any other error as its text."""
    code = getattr(error, 'code', None)
    return _TELEGRAM[code](env, error.params) if code in _TELEGRAM else str(error)


def _telegram_https(env, a):
    problems = {
        'https': env._("Telegram delivers to https addresses only"),
        'port': env._("Telegram delivers to ports 443, 80, 88 and 8443 only"),
    }
    return env._(
        "The bot's webhook would be %(url)s: %(problems)s. Serve Odoo over https on one of these ports (behind a "
        "reverse proxy) and set web.base.url to that address (%(menu)s), then connect the bot again.",
        url=a['url'], problems='; '.join(problems[p] for p in a['problems']), menu=system_parameters_menu(env))


_TELEGRAM_REFUSALS = {
    Refusal.UNKNOWN: lambda env: env._("This payment is unknown to the shop. Ask the shop for a new payment link."),
    Refusal.DISABLED: lambda env: env._("The shop no longer takes payments through Click. Please contact the shop."),
    Refusal.NOT_PAYABLE: lambda env: env._(
        "This payment is no longer waiting for money. Ask the shop for a new payment link."),
    Refusal.CURRENCY: lambda env: env._("The shop takes payments in Uzbek so'm (UZS) only."),
    Refusal.AMOUNT: lambda env: env._(
        "The amount is not the one the shop asked for. Ask the shop for a new payment link."),
    Refusal.TOO_MUCH: lambda env: env._(
        "This is more than is left to pay: the document may have been paid already. Please contact the shop."),
}


def telegram_receipt(env, documents, charge):
    """The accountant's to-do for the fiscal receipt of a payment made in Telegram: the cash register's rule."""
    return env._(
        "%(documents)s was paid in Telegram (payment %(charge)s): Click's Merchant API does not know this payment, "
        "so Click issues no fiscal receipt for it. Issue this receipt from your cash register and attach it with "
        "%(attach)s.", documents=documents, charge=charge, attach=attach_receipt_menu(env))


def telegram_refusal(env, refusal):
    """Why a payment in Telegram may not go on (a ``telegram.Refusal``), for the payer."""
    return _TELEGRAM_REFUSALS[refusal](env)


# === FISCAL RECEIPTS === #


def som(env, amount):
    """So'm (a Decimal) for a person, in the reader's number format: ``1,234,567.89 so'm``."""
    return env._("%s so'm", formatLang(env, float(amount), digits=2))


_FIELDS = {
    FiscalError.FIELD_QUANTITY: lambda env: env._("The quantity"),
    FiscalError.FIELD_PRICE_UNIT: lambda env: env._("The unit price"),
    FiscalError.FIELD_DISCOUNT: lambda env: env._("The discount"),
    FiscalError.FIELD_TOTAL: lambda env: env._("The line's total"),
    FiscalError.FIELD_PAYMENT: lambda env: env._("The Click payment"),
    FiscalError.FIELD_AMOUNT: lambda env: env._("An amount"),
}


def _fields(env, error):
    """The error's values ready for the text: amounts in so'm, the line and its lines by their labels."""
    params = dict(error.params, line=error.line or '', labels=', '.join(error.labels), attach=attach_receipt_menu(env))
    for name in ('paid', 'total', 'amount', 'available', 'discount'):
        if name in params:
            params[name] = som(env, params[name])
    if 'quantity' in params:
        params['quantity'] = f"{params['quantity']:f}"
    if 'field' in params:
        params['field'] = _FIELDS[params['field']](env)
    if 'error' in params:
        params['error'] = fiscal_error(env, params['error'])
    return params


def _negative_too_large(env, p):
    over = env._("the lines at %s %% VAT", p['vat_percent']) if p['vat_percent'] is not None \
        else env._("the document's other lines")
    return env._(
        "%(line)s takes off %(amount)s, more than the %(available)s of %(over)s it is spread over; a fiscal "
        "receipt cannot have a negative line.", line=p['line'], amount=p['amount'], available=p['available'],
        over=over,
    )


_FISCAL = {
    FiscalError.NOT_A_NUMBER: lambda env, p: env._(
        "%(field)s of %(line)s is not a number: %(value)s.", **p) if p['line'] else env._(
        "%(field)s is not a number: %(value)s.", **p),
    FiscalError.NO_DOCUMENTS: lambda env, p: env._(
        "%(reference)s pays no posted invoice and no confirmed order: there are no lines to put on its receipt.",
        **p),
    FiscalError.CURRENCY: lambda env, p: env._("Fiscal receipts are issued in so'm only, for documents in so'm."),
    FiscalError.NO_ITEMS: lambda env, p: env._("The document has no line to put on a fiscal receipt."),
    FiscalError.MISSING_MASTER_DATA: lambda env, p: env._(
        "Set an IKPU (17 digits, from tasnif.soliq.uz) and a package code on these products: %(labels)s. "
        "Nothing was sent.", **p),
    FiscalError.IDENTIFIER: lambda env, p: env._(
        "The %(name)s must be a positive whole number, not %(value)s.", **p),
    FiscalError.PAYMENT_NOT_POSITIVE: lambda env, p: env._(
        "The Click payment must be more than 0 so'm, not %(paid)s.", **p),
    FiscalError.ROUNDING: lambda env, p: env._(
        "The fiscal receipt cannot match the payment to the tiyin: the document's lines come to %(total)s while "
        "Click was paid %(paid)s. The difference comes from rounding to whole tiyin the amounts of %(labels)s, "
        "priced in fractions of a tiyin. Give them prices with at most 2 decimals, or issue this receipt by "
        "hand.", **p),
    FiscalError.PARTIAL_PAYMENT: lambda env, p: env._(
        "The fiscal receipt must match the Click payment exactly, but the document's lines come to %(total)s "
        "while Click was paid %(paid)s: this payment covers part of the document (an instalment, an advance, or "
        "the balance after another payment). Click's fiscal receipt lists goods sold, and it has no receipt for "
        "a partial payment; spreading the payment over the goods would declare discounts that were never given. "
        "Issue this receipt from your cash register and attach it with %(attach)s.", **p),
    FiscalError.OVERPAID: lambda env, p: env._(
        "The fiscal receipt must match the Click payment exactly, but the document's lines come to %(total)s "
        "while Click was paid %(paid)s: Click was paid more than the document's lines. Issue this receipt from "
        "your cash register and attach it with %(attach)s.", **p),
    FiscalError.MARKING_REQUIRED: lambda env, p: env._(
        "These products need a marking code for each unit sold on the fiscal receipt, which an online payment "
        "does not know: %(products)s. Issue this receipt from your cash register, scanning the codes, and attach "
        "it with %(attach)s.", **p),
    FiscalError.ADVANCE: lambda env, p: env._(
        "%(documents)s invoices an advance (down payment): a fiscal receipt lists goods sold, and Click's has no "
        "type for an advance. Issue this receipt from your cash register and attach it with %(attach)s; the "
        "final invoice's receipt deducts the advance.", **p),
    FiscalError.COMMISSION_NOT_A_DICT: lambda env, p: env._(
        "The commission data (CommissionInfo) must give the TIN or the PINFL of the seller."),
    FiscalError.COMMISSION_UNKNOWN_KEYS: lambda env, p: env._(
        "The commission data (CommissionInfo) takes only TIN and PINFL, not %(keys)s.", **p),
    FiscalError.COMMISSION_ID_FORMAT: lambda env, p: env._(
        "The seller's %(kind)s must be %(digits)s digits, not \"%(value)s\".", **p),
    FiscalError.COMMISSION_MISSING: lambda env, p: env._(
        "Set the company's TIN (9 digits), or the commission agent's TIN or PINFL (14 digits), before sending "
        "fiscal receipts."),
    FiscalError.COMPANY_TIN: lambda env, p: env._(
        "Set the TIN of %(company)s (9 digits, in its Tax ID) before sending fiscal receipts; it is now "
        "\"%(value)s\".", **p),
    FiscalError.LINE_COMMISSION: lambda env, p: env._("%(line)s is sold on commission: %(error)s", **p),
    FiscalError.NEGATIVE_QUANTITY: lambda env, p: env._(
        "%(line)s has a negative quantity (%(quantity)s) and a negative price; a fiscal receipt takes positive "
        "quantities only.", **p),
    FiscalError.FRACTIONAL_QUANTITY: lambda env, p: env._(
        "Click's fiscal receipts take whole quantities only; %(line)s has %(quantity)s. Sell it in a unit that "
        "makes the quantity whole (e.g. grams instead of kilograms), or issue this receipt by hand.", **p),
    FiscalError.DISCOUNT_RANGE: lambda env, p: env._(
        "The discount of %(line)s (%(discount)s) must be between 0 and the line's total (%(total)s).", **p),
    FiscalError.LINE_TOO_LARGE: lambda env, p: env._(
        "%(line)s comes to %(amount)s, more than a receipt can hold.", **p),
    FiscalError.NEGATIVE_TOO_LARGE: _negative_too_large,
    FiscalError.VAT_RATE: lambda env, p: env._(
        "The VAT rate of %(line)s must be a whole percent from 0 to 100, not %(value)s.", **p),
    FiscalError.TAXES: lambda env, p: env._(
        "%(line)s has the taxes %(taxes)s; a fiscal receipt takes one VAT tax, a percentage, per line. Give the "
        "line a single percent VAT.", **p),
    FiscalError.PACKAGE_CODE_LENGTH: lambda env, p: env._(
        "The package code of %(line)s is longer than %(length)s characters.", **p),
    FiscalError.BARCODE_LENGTH: lambda env, p: env._(
        "The barcode of %(line)s is longer than %(length)s characters.", **p),
    FiscalError.UNITS_CODE: lambda env, p: env._(
        "The unit code of %(line)s must be a whole number from the classifier, not %(value)s.", **p),
    FiscalError.LABELS_NOT_A_LIST: lambda env, p: env._(
        "The marking codes of %(line)s must be a list of codes, not one text.", **p),
    FiscalError.TOO_MANY_LABELS: lambda env, p: env._(
        "%(line)s has %(count)s marking codes; a receipt item takes at most %(limit)s.", **p),
    FiscalError.LABEL_FORMAT: lambda env, p: env._(
        "The marking code %(value)s of %(line)s must be a text of 1 to %(length)s characters.", **p),
    FiscalError.NO_NAME: lambda env, p: env._("%(line)s cannot be named on a fiscal receipt: it has no name.", **p),
    FiscalError.UNIT_TOO_LONG: lambda env, p: env._(
        "%(line)s cannot be named on a fiscal receipt: its unit of measure \"%(unit)s\" is longer than "
        "%(length)s characters.", **p),
}


def fiscal_error(env, error):
    """Why a fiscal receipt cannot be made (a ``fiscal.FiscalError``), and what to do."""
    return _FISCAL[error.code](env, _fields(env, error))


def receipt_not_sent(env, documents, payment, error):
    """The accountant's note for a receipt Odoo refused to send: the reason, then how to send it once fixed."""
    not_sent = env._(
        "The fiscal receipt of %(documents)s (Click payment %(payment)s) was not sent: %(error)s",
        documents=documents, payment=payment, error=fiscal_error(env, error),
    )
    if error.by_hand:  # nothing to fix in Odoo: the cash register issues it
        return not_sent
    return env._("%(not_sent)s Fix it, then use %(send)s.", not_sent=not_sent, send=send_receipt_menu(env))


def receipt_refused(env, documents, payment, note):
    """Click refused the receipt (its ``note``): what to correct, or how to attach the cash register's."""
    return env._(
        "Click refused the fiscal receipt of %(documents)s (Click payment %(payment)s): \"%(note)s\". Correct "
        "what Click names (the products' IKPU and package codes, the company's TIN, the provider's "
        "credentials), then use %(send)s; or, if your cash register issued the receipt, use %(attach)s.",
        documents=documents, payment=payment, note=note, send=send_receipt_menu(env),
        attach=attach_receipt_menu(env),
    )


def receipt_unreachable(env, documents, payment, attempts, error):
    """Click could not be reached ``attempts`` times in a row."""
    return env._(
        "The fiscal receipt of %(documents)s (Click payment %(payment)s) could not reach Click after "
        "%(attempts)s tries: %(error)s Check the provider's credentials and Click's service, then use %(send)s.",
        documents=documents, payment=payment, attempts=attempts, error=error, send=send_receipt_menu(env),
    )


def receipt_without_qr(env, documents, payment, attempts, error=None):
    """Click still has no QR code for a receipt it was sent; ``error`` is Click's last refusal, if any."""
    if error:
        return env._(
            "Click still has no QR code for the fiscal receipt of %(documents)s (Click payment %(payment)s) "
            "after %(attempts)s tries; its last error: \"%(error)s\". Check the receipt in Click's merchant "
            "cabinet: attach its address with %(attach)s, or correct what Click names and use %(send)s.",
            documents=documents, payment=payment, attempts=attempts, error=error,
            attach=attach_receipt_menu(env), send=send_receipt_menu(env),
        )
    return env._(
        "Click accepted the fiscal receipt of %(documents)s (Click payment %(payment)s) but still has no QR code "
        "for it after %(attempts)s tries. Check the receipt in Click's merchant cabinet, then attach its address "
        "with %(attach)s.",
        documents=documents, payment=payment, attempts=attempts, attach=attach_receipt_menu(env),
    )


# === THE DEPLOYMENT === #

_CALLBACK_PROBLEMS = {
    deployment.NOT_HTTPS: lambda env: env._("they are not https"),
    deployment.NOT_PUBLIC: lambda env: env._("they point to this computer or to a private network"),
}


def callback_warning(env, problems):
    """What keeps Click from calling the callback URLs (``deployment`` codes), in words; False if nothing."""
    if not problems:
        return False
    return env._(
        "Click cannot call these URLs: %(problems)s. Serve Odoo over HTTPS on its public address, start it with "
        "--proxy-mode, and set the web.base.url system parameter to that address (with web.base.url.freeze).",
        problems=env._(" and ").join(_CALLBACK_PROBLEMS[problem](env) for problem in problems),
    )


# === CLICK'S REGISTRY OF A PAYOUT === #

_REGISTRY = {
    settlement.RegistryError.EMPTY: lambda env, d: env._("Click's registry is empty."),
    settlement.RegistryError.FORMAT: lambda env, d: env._(
        "Click's registry must be a CSV or XLSX file (%s is neither).", d[0]),
    settlement.RegistryError.COLUMNS: lambda env, d: env._(
        "Click's registry needs a header row naming the Click payment id (click_paydoc_id) and the amount "
        "columns; missing: %s.", d[0]),
    settlement.RegistryError.AMOUNT: lambda env, d: env._(
        "Click's registry, line %(line)s: \"%(value)s\" is not a payment id with an amount.", line=d[0], value=d[1]),
    settlement.RegistryError.DUPLICATE: lambda env, d: env._(
        "Click's registry, line %(line)s: the payment %(payment)s is listed twice.", line=d[0], payment=d[1]),
}


def registry_error(env, error):
    """Why Click's registry cannot be read (a ``settlement.RegistryError``)."""
    return _REGISTRY[error.code](env, error.details)


# === THE SELF-TEST === #

_CAUSES = {
    Cause.SINGLE_WORKER: lambda env, text, status: env._(
        "No answer within %s seconds. Odoo runs with a single worker (--workers 1), which is busy running this "
        "test and cannot answer its own calls: start it with --workers 2 or more and run the test again.",
        const.SELF_TEST_TIMEOUT),
    Cause.TIMEOUT: lambda env, text, status: env._(
        "No answer within %s seconds: the URL cannot be reached from this server, or a firewall drops the call.",
        const.SELF_TEST_TIMEOUT),
    Cause.SKIPPED: lambda env, text, status: env._("Not sent: an earlier call got no answer in time."),
    Cause.SSL: lambda env, text, status: env._(
        "The certificate is not trusted (%s). Install a certificate from a recognised authority, with its "
        "intermediate certificates, on the reverse proxy.", text),
    Cause.UNREACHABLE: lambda env, text, status: env._(
        "The URL cannot be reached from this server (%s): check the domain name, the firewall and that the "
        "reverse proxy listens on this address.", text),
    Cause.REDIRECT: lambda env, text, status: env._(
        "The URL redirects to %s, and a redirected call loses Click's form. Set web.base.url to the address Odoo "
        "is really served at; if it leads to the database selector, set --db-filter.",
        text or env._("another address")),
    Cause.HTML: lambda env, text, status: env._(
        "The URL answered HTML, not Click's JSON: the call did not reach this module in this database. Is the "
        "database filter (--db-filter) set so that Click's calls reach this database?"),
    Cause.HTTP_STATUS: lambda env, text, status: env._(
        "The URL answered HTTP %s: a proxy or firewall in front of Odoo refused the call, or Odoo failed (see its "
        "log).", status),
    Cause.NOT_CLICK: lambda env, text, status: env._(
        "The URL answered something other than Click's JSON: another application answers at this address."),
    Cause.KEY_MISMATCH: lambda env, text, status: env._(
        "The answering Odoo checks signatures with another secret key: the call reached another database, or "
        "another provider with this Service ID (check --db-filter and the key)."),
    Cause.UNKNOWN_SERVICE: lambda env, text, status: env._(
        "The answering Odoo has no Click provider with this Service ID: the call reached another database (check "
        "--db-filter)."),
    Cause.UNKNOWN_PAYMENT: lambda env, text, status: env._(
        "The answering Odoo does not know the test payment: the call reached another database (check "
        "--db-filter)."),
    Cause.UNEXPECTED: lambda env, text, status: env._(
        "Odoo's answer breaks Click's rules for this scenario: another module may change how payments are "
        "handled. Send this report to whoever maintains your Odoo."),
}


def self_test_cause(env, cause, text, status):
    """The likely cause of a failed call (a ``self_test.Cause``), and what to do.

    :param str text: what came instead of Click's answer (the failure, or the redirect's address)
    :param int status: the HTTP status received, 0 when none
    """
    return _CAUSES[cause](env, text, status)


def _advice_cause(env, advice):
    return self_test_cause(env, Cause(advice['cause']), advice.get('text') or '', advice.get('status') or 0)


def _missing_fields(env, advice):
    fields = env['payment.provider']._fields
    return ', '.join(fields[name].get_description(env)['string'] for name in advice['missing'])


_ADVICE = {
    'probe': lambda env, a: env._(
        "Odoo could not ask %(url)s how its calls arrive: %(cause)s", url=a['url'], cause=_advice_cause(env, a)),
    'base_url': lambda env, a: env._(
        "Odoo could not reach itself at web.base.url, %(url)s: %(cause)s Set the system parameter web.base.url "
        "to the address this Odoo is served at (%(menu)s).",
        url=a['url'], cause=_advice_cause(env, a), menu=system_parameters_menu(env)),
    'callback_urls': lambda env, a: callback_warning(env, a['problems']),
    'proxy_mode': lambda env, a: env._(
        "Odoo sees the calls to %(public)s as calls to %(seen)s. Start Odoo with --proxy-mode, behind a reverse "
        "proxy that sets the X-Forwarded-Host and X-Forwarded-Proto headers.", public=a['public'], seen=a['seen']),
    'proxy_mode_unchecked': lambda env, a: env._("Not checked: web.base.url does not lead to this Odoo (see above)."),
    'database': lambda env, a: env._(
        "%(url)s reaches another database. Start Odoo with a --db-filter that selects only the database %(db)s "
        "for this address.", url=a['url'], db=a['db']),
    'base_url_frozen': lambda env, a: env._(
        "Set the system parameter web.base.url.freeze to True (%(menu)s), so that an administrator logging in "
        "through another address does not change web.base.url, and with it the URLs Click calls.",
        menu=system_parameters_menu(env)),
    'credentials': lambda env, a: env._("Fill in %s on the Credentials tab.", _missing_fields(env, a)),
    'key_spaces': lambda env, a: env._(
        "The secret key starts or ends with a space. Click signs with the key as it gave it, so Odoo would refuse "
        "each of its calls (-1): paste the key again, without spaces."),
    'currency': lambda env, a: env._(
        "Activate the Uzbek so'm (UZS) under %s: Click takes payments in so'm only.", currencies_menu(env)),
    'journal': lambda env, a: env._(
        "Choose the bank journal where Click's settlements arrive (Configuration tab): Odoo records each Click "
        "payment there."),
    'published': lambda env, a: env._(
        "Publish the provider (the Published button) so that customers can choose Click."),
    'telegram_bot': lambda env, a: env._(
        "Telegram did not accept the bot: %s Paste the token @BotFather gave on the Telegram tab.",
        _TELEGRAM[a['code']](env, a['params'])),
    'telegram_unchecked': lambda env, a: env._("Not checked: Telegram did not accept the bot (see above)."),
    'telegram_webhook': lambda env, a: env._(
        "Telegram posts the bot's updates to %(url)s, not to %(expected)s: press Connect Telegram bot.",
        url=a['url'] or env._("no address"), expected=a['expected']),
    'telegram_delivery': lambda env, a: env._(
        "Telegram could not deliver the bot's last update to Odoo (%(error)s): payments made in Telegram wait "
        "at Telegram until it can. Check that the address is reachable, then press Connect Telegram bot.",
        error=a['error']),
    'telegram_https': _telegram_https,
}


def self_test_advice(env, advice):
    """A failed deployment check's advice (a ``key`` and its values) in words; False when there is none."""
    text = _ADVICE.get(advice.get('key'))
    return text(env, advice) if text else False
