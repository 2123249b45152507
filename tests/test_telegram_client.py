"""The Bot API client against a real loopback HTTP server that plays Telegram, and the pure rules of
Telegram payments: payloads, amounts, pre-checkout refusals, webhook addresses."""
import logging
import socket
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import telegram
from odoo.addons.payment_click.click_api.telegram import BotApiError, BotClient, Refusal
from odoo.addons.payment_click.tests.common import ClickServerCase

TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11'
LINK = 'https://t.me/$AbCdEfGh'


@tagged('post_install', '-at_install', 'click_unit')
class TestTelegramBotClient(ClickServerCase):

    def make_client(self, **kwargs):
        base_url = f'http://127.0.0.1:{self.server.server_address[1]}/'
        client = BotClient(TOKEN, **dict({'base_url': base_url, 'timeout': (2, 2)}, **kwargs))
        self.addCleanup(client.close)
        return client

    def script(self, *answers):
        self.server.script.extend((*answer, 0)[:3] for answer in answers)

    def test_calls_post_json_at_the_bot_token_path(self):
        self.script((200, {'ok': True, 'result': {'id': 42, 'is_bot': True, 'username': 'shop_bot'}}),
                    (200, {'ok': True, 'result': True}))
        self.assertEqual(self.client.get_me()['username'], 'shop_bot')
        self.client.set_webhook('https://shop.uz/payment/click/telegram/webhook/1', 'S3cret', telegram.ALLOWED_UPDATES)
        first, second = self.server.seen
        self.assertEqual((first['method'], first['path']), ('POST', f'/bot{TOKEN}/getMe'))
        self.assertEqual(second['path'], f'/bot{TOKEN}/setWebhook')
        self.assertEqual(second['body'], {
            'url': 'https://shop.uz/payment/click/telegram/webhook/1', 'secret_token': 'S3cret',
            'allowed_updates': ['message', 'pre_checkout_query'],
        })

    def test_create_invoice_link_sends_tiyin_and_returns_the_link(self):
        self.script((200, {'ok': True, 'result': LINK}))
        link = self.client.create_invoice_link('INV/2025/00001', 'Shop: payment', 'payload', 'PT:TEST', 'UZS',
                                               [{'label': 'INV/2025/00001', 'amount': telegram.to_tiyin(15000.5)}])
        self.assertEqual(link, LINK)
        self.assertEqual(self.server.seen[0]['body']['prices'], [{'label': 'INV/2025/00001', 'amount': 1500050}])
        self.assertEqual(self.server.seen[0]['body']['currency'], 'UZS')

    def test_answer_pre_checkout_query_sends_the_message_only_when_refused(self):
        self.script((200, {'ok': True, 'result': True}), (200, {'ok': True, 'result': True}))
        self.client.answer_pre_checkout_query('q1', True, error_message="ignored")
        self.client.answer_pre_checkout_query('q2', False, error_message="No")
        self.assertEqual(self.server.seen[0]['body'], {'pre_checkout_query_id': 'q1', 'ok': True})
        self.assertEqual(self.server.seen[1]['body'],
                         {'pre_checkout_query_id': 'q2', 'ok': False, 'error_message': "No"})

    def test_a_refusal_is_a_code_and_never_shows_the_token(self):
        self.script((401, {'ok': False, 'error_code': 401, 'description': f'Unauthorized {TOKEN}'}))
        with self.assertLogs('odoo.addons.payment_click.click_api.telegram', logging.INFO) as logs, \
                self.assertRaises(BotApiError) as caught:
            self.client.get_me()
        self.assertEqual(caught.exception.code, BotApiError.REFUSED)
        self.assertEqual(caught.exception.params['error_code'], 401)
        self.assertNotIn(TOKEN, str(caught.exception) + repr(caught.exception.params) + '\n'.join(logs.output))

    def test_an_answer_that_is_not_telegrams_is_a_bad_answer(self):
        self.script((200, '<html>proxy</html>'), (200, {'ok': True}), (200, {'ok': True, 'result': 42}))
        for call in (self.client.get_me, self.client.get_webhook_info):
            with self.assertRaises(BotApiError) as caught:
                call()
            self.assertEqual(caught.exception.code, BotApiError.BAD_ANSWER)
        with self.assertRaises(BotApiError) as caught:
            self.client.create_invoice_link('t', 'd', 'p', 'pt', 'UZS', [])
        self.assertEqual(caught.exception.code, BotApiError.BAD_ANSWER, "a link must be a link")

    def test_only_idempotent_calls_are_retried_when_telegram_is_down(self):
        self.script((502, 'down'), (200, {'ok': True, 'result': {'username': 'shop_bot'}}))
        self.assertEqual(self.client.get_me()['username'], 'shop_bot')
        self.assertEqual(len(self.server.seen), 2)
        self.server.seen.clear()
        self.script((502, 'down'), (200, {'ok': True, 'result': LINK}))
        with self.assertRaises(BotApiError) as caught:
            self.client.create_invoice_link('t', 'd', 'p', 'pt', 'UZS', [])
        self.assertEqual(len(self.server.seen), 1, "a link is not created twice")
        self.assertEqual(caught.exception.code, BotApiError.BAD_ANSWER)

    def test_a_timeout_is_reported_as_sent_without_the_token(self):
        self.script((200, {'ok': True, 'result': True}, 3))
        with self.assertLogs('odoo.addons.payment_click.click_api.telegram', logging.INFO) as logs, \
                self.assertRaises(BotApiError) as caught:
            self.client.answer_pre_checkout_query('q1', True)
        self.assertEqual((caught.exception.code, caught.exception.sent), (BotApiError.READ_TIMEOUT, True))
        self.assertNotIn(TOKEN, str(caught.exception) + '\n'.join(logs.output))
        self.assertIsNone(caught.exception.__cause__, "the requests error names the URL, hence the token")

    def test_a_refused_connection_is_reported_as_not_sent(self):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        client = self.make_client(base_url=f'http://127.0.0.1:{port}/')
        with self.assertLogs('odoo.addons.payment_click.click_api.telegram', logging.INFO), \
                self.assertRaises(BotApiError) as caught:
            client.create_invoice_link('t', 'd', 'p', 'pt', 'UZS', [])
        self.assertEqual((caught.exception.code, caught.exception.sent), (BotApiError.UNREACHABLE, False))
        self.assertNotIn(TOKEN, str(caught.exception))


@tagged('post_install', '-at_install', 'click_unit')
class TestTelegramRules(BaseCase):

    def test_a_payload_names_its_reference_and_cannot_be_forged(self):
        payload = telegram.sign_payload('key', 'INV-2025-00001-1')
        self.assertLessEqual(len(payload.encode()), telegram.PAYLOAD_MAX_BYTES)
        self.assertEqual(telegram.read_payload('key', payload), 'INV-2025-00001-1')
        self.assertIsNone(telegram.read_payload('other key', payload))
        forged = payload.replace('INV-2025-00001-1', 'INV-2025-00002-1')
        self.assertIsNone(telegram.read_payload('key', forged))
        for junk in ('', 'no-dot', '.sig', None, 42, payload + 'x'):
            self.assertIsNone(telegram.read_payload('key', junk), junk)

    def test_a_reference_too_long_for_telegram_is_refused(self):
        with self.assertRaises(ValueError):
            telegram.sign_payload('key', 'R' * 90)

    def test_amounts_in_tiyin(self):
        self.assertEqual(telegram.to_tiyin(15000.0), 1500000)
        self.assertEqual(telegram.to_tiyin(2500.5), 250050)
        self.assertEqual(telegram.from_tiyin(250050), Decimal('2500.50'))

    def test_pre_checkout_refusals(self):
        ok = {'query_currency': 'UZS', 'query_total': 1500000, 'tx_amount': 15000.0, 'provider_state': 'test',
              'payable': True, 'amount_left': Decimal('15000')}
        self.assertIsNone(telegram.pre_checkout_refusal(**ok))
        self.assertIsNone(telegram.pre_checkout_refusal(**dict(ok, amount_left=None)), "a payment of no document")
        for change, refusal in (
            ({'provider_state': 'disabled'}, Refusal.DISABLED),
            ({'payable': False}, Refusal.NOT_PAYABLE),
            ({'query_currency': 'USD'}, Refusal.CURRENCY),
            ({'query_total': 1400000}, Refusal.AMOUNT),
            ({'query_total': '1500000'}, Refusal.AMOUNT),
            ({'query_total': True}, Refusal.AMOUNT),
            ({'amount_left': Decimal('10000')}, Refusal.TOO_MUCH),
            ({'amount_left': Decimal('-5')}, Refusal.TOO_MUCH),
        ):
            self.assertEqual(telegram.pre_checkout_refusal(**dict(ok, **change)), refusal, change)

    def test_webhook_url_problems(self):
        self.assertEqual(telegram.webhook_url_problems('https://shop.uz/hook'), [])
        self.assertEqual(telegram.webhook_url_problems('https://shop.uz:8443/hook'), [])
        self.assertEqual(telegram.webhook_url_problems('http://shop.uz/hook'), ['https'])
        self.assertEqual(telegram.webhook_url_problems('https://shop.uz:8069/hook'), ['port'])
        self.assertEqual(telegram.webhook_url_problems('http://localhost:8069/hook'), ['https', 'port'])
