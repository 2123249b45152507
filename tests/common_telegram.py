import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo import Command
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.click_api.telegram import BotClient
from odoo.addons.payment_click.controllers.telegram import ClickTelegramController
from odoo.addons.payment_click.tests.common import ClickCommon

BOT_TOKEN = '7000000001:AAFakeBotTokenForTests_0123456789'
PROVIDER_TOKEN = '398062629:TEST:999999999_FakeClickTelegram'
WEBHOOK_SECRET = 'Webhook-Secret_0123456789'
LINK = 'https://t.me/$TestInvoiceLink'

MUTE_TELEGRAM = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                            'odoo.addons.payment_click.models.payment_transaction_telegram',
                            'odoo.addons.payment_click.models.payment_transaction_fiscal',
                            'odoo.addons.payment_click.controllers.telegram',
                            'odoo.addons.payment_click.click_api.telegram')


class _BotApiHandler(BaseHTTPRequestHandler):
    """Records each Bot API call and answers it as the server's ``answers`` say (``{'ok': true}`` by default)."""

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode()
        token, _slash, method = self.path.removeprefix('/bot').partition('/')
        self.server.calls.append({'token': token, 'method': method, 'body': json.loads(raw) if raw else None})
        status, answer = self.server.answers.get(method, (200, {'ok': True, 'result': True}))
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class _BotApiServer(ThreadingHTTPServer):

    def __init__(self):
        super().__init__(('127.0.0.1', 0), _BotApiHandler)
        self.calls, self.answers = [], {}


class TelegramCommon(AccountPaymentCommon, ClickCommon):
    """A Click provider in test mode with a connected bot, a Bot API on loopback standing in for Telegram,
    and Telegram's updates posted to the real webhook route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bot_api = _BotApiServer()
        thread = threading.Thread(target=cls.bot_api.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(thread.join)
        cls.addClassCleanup(cls.bot_api.server_close)
        cls.addClassCleanup(cls.bot_api.shutdown)
        bot_api_url = f'http://127.0.0.1:{cls.bot_api.server_address[1]}/'
        cls.startClassPatcher(patch.object(
            cls.registry['payment.provider'], '_click_get_telegram_client',
            lambda provider, timeout=(3, 3): BotClient(
                provider.sudo().click_telegram_bot_token, base_url=bot_api_url, timeout=timeout),
        ))
        cls.telegram_method = cls.env.ref('payment_click.payment_method_click_telegram')
        cls.click.write({
            'journal_id': cls.company_data['default_journal_bank'].id,
            'payment_method_ids': [Command.link(cls.telegram_method.id)],
            'click_telegram_bot_token': BOT_TOKEN,
            'click_telegram_provider_token': PROVIDER_TOKEN,
        })
        cls.telegram_method.active = True
        cls.click.write({'click_telegram_webhook_secret': WEBHOOK_SECRET, 'click_telegram_bot_username': 'shop_bot'})
        cls.update_ids = itertools.count(1)

    def setUp(self):
        super().setUp()
        self.bot_api.calls.clear()
        self.bot_api.answers.clear()
        self.bot_api.answers['createInvoiceLink'] = (200, {'ok': True, 'result': LINK})

    def _invoice(self, amount=15000.0, currency=None):
        return self.init_invoice('out_invoice', partner=self.partner, amounts=[amount],
                                 currency=currency or self.currency, post=True)

    def _telegram_tx(self, invoice, reference=None, **values):
        """A Telegram payment of the invoice, with its link created (pending)."""
        tx = self._create_transaction(
            'redirect', reference=reference or f'{invoice.name.replace("/", "-")}-{next(self.update_ids)}',
            payment_method_id=self.telegram_method.id, amount=invoice.amount_residual,
            invoice_ids=[Command.set(invoice.ids)], **values,
        )
        tx._click_telegram_create_link()
        return tx

    def _calls(self, method):
        return [call for call in self.bot_api.calls if call['method'] == method]

    def _payload(self, tx):
        """The payload the bot's invoice link of ``tx`` carries, as Telegram got it."""
        bodies = [call['body'] for call in self._calls('createInvoiceLink')]
        return next(body['payload'] for body in bodies if body['payload'].startswith(f'{tx.reference}.'))

    def _post_update(self, update, secret=WEBHOOK_SECRET, provider=None):
        """Post an update to the webhook as Telegram does."""
        headers = {'Content-Type': 'application/json'}
        if secret is not None:
            headers['X-Telegram-Bot-Api-Secret-Token'] = secret
        response = self.url_open(
            f'{ClickTelegramController._webhook_url}/{(provider or self.click).id}',
            data=json.dumps(dict(update, update_id=next(self.update_ids))), headers=headers,
        )
        self.env.invalidate_all()
        return response

    def _pre_checkout(self, payload, total_amount, currency='UZS', language_code='en', query_id='query-1'):
        """Post a pre_checkout_query; return the answer the webhook gave Telegram (answerPreCheckoutQuery)."""
        response = self._post_update({'pre_checkout_query': {
            'id': query_id, 'from': {'id': 1001, 'is_bot': False, 'first_name': "Aziz", 'language_code': language_code},
            'currency': currency, 'total_amount': total_amount, 'invoice_payload': payload,
        }})
        self.assertEqual(response.status_code, 200)
        answers = [call['body'] for call in self._calls('answerPreCheckoutQuery')
                   if call['body']['pre_checkout_query_id'] == query_id]
        self.assertEqual(len(answers), 1, "each query is answered once")
        return answers[0]

    def _pay(self, payload, total_amount, charge='tg-charge-1', provider_charge='click-charge-1', currency='UZS'):
        """Post the successful_payment Telegram sends once the payer paid."""
        response = self._post_update({'message': {
            'message_id': 7, 'date': 1764900000, 'chat': {'id': 1001, 'type': 'private'},
            'from': {'id': 1001, 'is_bot': False, 'first_name': "Aziz"},
            'successful_payment': {
                'currency': currency, 'total_amount': total_amount, 'invoice_payload': payload,
                'telegram_payment_charge_id': charge, 'provider_payment_charge_id': provider_charge,
            },
        }})
        self.assertEqual(response.status_code, 200)
        return response
