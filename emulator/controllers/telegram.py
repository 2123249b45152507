import logging
import threading
import time

import requests
from werkzeug.urls import url_join

from odoo import SUPERUSER_ID, _, api, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.emulator import telegram
from odoo.addons.payment_click.emulator.telegram import BotApiRefusal

_logger = logging.getLogger(__name__)
# The payer's language on the sheet: Telegram's language_code → Odoo's language.
SHEET_LANGUAGES = {'en': 'en_US', 'ru': 'ru_RU', 'uz': 'uz_UZ'}


class ClickTelegramEmulatorController(http.Controller):
    """Telegram's Bot API and payment sheet, played by Odoo for the bots of Click providers in test mode."""
    _base_url = const.EMULATOR_TELEGRAM_API_URL
    _sheet_url = f'{_base_url}pay/'

    @http.route(f'{_base_url}bot<string:token>/<string:method>', type='http', auth='public',
                methods=['GET', 'POST'], csrf=False, save_session=False)
    def click_emulator_telegram_bot_api(self, token, method, **params):
        """Answer a Bot API call as Telegram does: ``{"ok": true, "result": ...}`` or the refusal."""
        try:
            bot = request.env['payment.click.emulator.telegram.bot'].sudo()._of_token(token)
            handler = self._METHODS.get(method.lower())
            if not handler:
                raise telegram.NOT_FOUND
            answer = handler(self, bot, self._params(params))
        except BotApiRefusal as refusal:
            _logger.info("Telegram emulator refused %s: %s", method, refusal.description)
            return request.make_json_response(refusal.answer(), status=refusal.error_code)
        return request.make_json_response(answer)

    def _get_me(self, bot, _params):
        return telegram.success(bot._user())

    def _set_webhook(self, bot, params):
        bot._set_webhook(telegram.read_webhook(params))
        return telegram.success(True, description="Webhook was set")

    def _get_webhook_info(self, bot, _params):
        return telegram.success(bot._webhook_info())

    def _create_invoice_link(self, bot, params):
        invoice = request.env['payment.click.emulator.telegram.invoice'].sudo()._create_for(
            bot, telegram.read_invoice(params),
        )
        return telegram.success(self._sheet_link(invoice))

    def _send_invoice(self, bot, params):
        chat_id = params.get('chat_id')
        if not isinstance(chat_id, (int, str)) or isinstance(chat_id, bool) or not str(chat_id):
            raise telegram.bad_request("chat not found")
        invoice = request.env['payment.click.emulator.telegram.invoice'].sudo()._create_for(
            bot, telegram.read_invoice(params), chat_id=str(chat_id),
        )
        return telegram.success(telegram.invoice_message(bot._next_update_id(), chat_id, bot._user(), invoice))

    def _answer_pre_checkout_query(self, bot, params):
        answer = telegram.read_pre_checkout_answer(params)
        invoice = request.env['payment.click.emulator.telegram.invoice'].sudo().search(
            [('bot_id', '=', bot.id), ('query_id', '=', answer.query_id)], limit=1,
        )
        if not invoice:
            raise telegram.bad_request("QUERY_ID_INVALID")
        invoice._answer(answer, late=self._fault(bot.provider_id) == 'late_answer')
        return telegram.success(True)

    _METHODS = {
        'getme': _get_me,
        'setwebhook': _set_webhook,
        'getwebhookinfo': _get_webhook_info,
        'createinvoicelink': _create_invoice_link,
        'sendinvoice': _send_invoice,
        'answerprecheckoutquery': _answer_pre_checkout_query,
    }

    @staticmethod
    def _params(params):
        """The call's parameters: a JSON body, or a form or query string (Telegram takes all three)."""
        if request.httprequest.mimetype == 'application/json':
            try:
                body = request.get_json_data()
            except (ValueError, RecursionError):
                body = None
            if not isinstance(body, dict):
                raise telegram.bad_request("can't parse JSON object")
            return body
        return params

    @staticmethod
    def _fault(provider):
        return provider.env['payment.click.emulator.service']._telegram_fault(provider)

    @classmethod
    def _sheet_link(cls, invoice):
        return url_join(invoice.bot_id.provider_id.get_base_url(), f'{cls._sheet_url}{invoice.slug}')

    # === The payment sheet === #

    @http.route(f'{_sheet_url}<string:slug>', type='http', auth='public', methods=['GET', 'POST'], csrf=False,
                save_session=False, website=True, sitemap=False)
    def click_emulator_telegram_sheet(self, slug, language=None, **_params):
        """Show the payment sheet of an invoice link (GET), or pay it as the payer (POST)."""
        invoice = request.env['payment.click.emulator.telegram.invoice'].sudo()._of_slug(slug)
        if not invoice:
            return request.render('payment_click.emulator_refusal', {'message': _(
                "This invoice link is unknown to the Telegram emulator, which serves only Click providers in "
                "test mode."
            )}, status=404)
        language_code = self._sheet_language(language)
        if request.httprequest.method == 'POST':
            if invoice._start_paying(language_code):
                self._start_payment(invoice)
            return request.redirect(f'{self._sheet_url}{slug}?language={language_code}')
        return request.render('payment_click.emulator_telegram_sheet', {
            'invoice': invoice,
            'bot_name': invoice.bot_id.provider_id.company_id.name,
            'amount': format_amount(request.env, invoice.total / 100, request.env.ref('base.UZS')),
            'language_code': language_code,
            'sheet_url': f'{self._sheet_url}{slug}',
        })

    @staticmethod
    def _sheet_language(language):
        """The payer's language_code: the one chosen on the sheet, else the visitor's; the sheet speaks it."""
        code = language if language in SHEET_LANGUAGES else (request.env.lang or 'en')[:2]
        code = code if code in SHEET_LANGUAGES else 'en'
        if request.env['res.lang']._lang_get(SHEET_LANGUAGES[code]):
            request.update_context(lang=SHEET_LANGUAGES[code])
        return code

    def _start_payment(self, invoice):
        """Play Telegram's side of the payment on a thread of its own, as Telegram's servers would: the payer's
        page answers at once and follows the payment; the thread's cursors wait for this one's commit."""
        threading.Thread(
            target=self._play_payment, name='click-emulator', daemon=True,
            args=(request.env.registry, invoice.id),
        ).start()

    @classmethod
    def _play_payment(cls, registry, invoice_id):
        """Run on the emulator's thread: ask the bot, wait at most 10 s for its answer, charge and tell it."""
        def on_invoice(method):
            for attempt in range(telegram.MAX_TRIES):  # the Pay request may not have committed yet
                try:
                    with registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        invoice = env['payment.click.emulator.telegram.invoice'].browse(invoice_id)
                        bot = invoice.bot_id
                        fault = cls._fault(bot.provider_id)
                        return getattr(invoice, method)(), (bot.webhook_url, bot.webhook_secret), fault
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    if attempt == telegram.MAX_TRIES - 1:
                        raise
                    time.sleep(telegram.ANSWER_POLL_INTERVAL)

        try:
            update, webhook, fault = on_invoice('_send_pre_checkout_query')
            if not update:
                return
            status = cls._deliver(registry, invoice_id, webhook, update, fault)
            next_delivery = time.monotonic() + telegram.PRE_CHECKOUT_RETRY_DELAY
            outcome = 'waiting'
            while outcome == 'waiting':  # the answer comes in another request: look for it in the database
                time.sleep(telegram.ANSWER_POLL_INTERVAL)
                if status != 200 and time.monotonic() >= next_delivery:  # Telegram tries again meanwhile
                    status = cls._deliver(registry, invoice_id, webhook, update, fault)
                    next_delivery = time.monotonic() + telegram.PRE_CHECKOUT_RETRY_DELAY
                outcome = on_invoice('_pre_checkout_outcome')[0]
            if outcome != 'ok':
                _logger.info("Telegram emulator: the pre-checkout query of invoice %s ended %s", invoice_id, outcome)
                return
            update = on_invoice('_charge')[0]
            if update:
                cls._deliver_payment(registry, invoice_id, webhook, update, fault)
        except Exception:  # The emulator reports Telegram's view; a failure must not stay silent.
            _logger.exception("Telegram emulator could not play the payment of invoice %s", invoice_id)

    @classmethod
    def _deliver_payment(cls, registry, invoice_id, webhook, update, fault):
        """Deliver the successful_payment until the webhook takes it; the fault switch may lose an answer or
        deliver it again."""
        for attempt in range(telegram.MAX_DELIVERIES):
            status = cls._deliver(registry, invoice_id, webhook, update, fault)
            if fault == 'webhook_500' and attempt == 0 and status is not None:
                status = 500  # the webhook's answer is lost on the way back
                cls._record_delivery(registry, invoice_id, status)
            if status == 200:
                break
            time.sleep(telegram.REDELIVERY_DELAY)
        if fault == 'redeliver':
            cls._deliver(registry, invoice_id, webhook, update, fault)

    @classmethod
    def _deliver(cls, registry, invoice_id, webhook, update, fault):
        """Post ``update`` to the bot's webhook: the HTTP status it answered, or None when it could not be reached."""
        url, secret = webhook
        if not url:
            _logger.info("Telegram emulator: the bot of invoice %s has no webhook", invoice_id)
            return None
        headers = {telegram.SECRET_HEADER: telegram.WRONG_SECRET if fault == 'wrong_secret' else secret}
        try:
            status = requests.post(url, json=update, headers=headers, timeout=telegram.WEBHOOK_TIMEOUT).status_code
        except requests.RequestException as error:
            _logger.info("Telegram emulator could not reach the webhook: %s", error)
            status = None
        _logger.info("Telegram emulator: update %s delivered, the webhook answered %s", update['update_id'], status)
        cls._record_delivery(registry, invoice_id, status)
        return status

    @staticmethod
    def _record_delivery(registry, invoice_id, status):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['payment.click.emulator.telegram.invoice'].browse(invoice_id).bot_id._record_delivery(status)
