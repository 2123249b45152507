"""Visitors' requests for SMS codes and invoices racing over real HTTP, each in its own browser session,
worker thread and database transaction, as on a production server: the limits hold under concurrency.
"""
import threading
import uuid
from unittest.mock import patch
from urllib.parse import urlsplit

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tests.common import HOST, _super_send
from odoo.tools import mute_logger

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment_click import const
from odoo.addons.payment_click.controllers.card_token import ClickCardTokenController
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.test_card_tokens import BLOCKED
from odoo.addons.payment_click.tests.test_visitor_limits import REFUSAL, emulator_calls

RACERS = 10
MUTE = mute_logger('odoo.addons.payment_click.models.payment_click_attempt',
                   'odoo.addons.payment_click.controllers.emulator_merchant',
                   'odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.click_api.merchant',
                   'odoo.http')


@tagged('post_install', '-at_install')
class TestParallelVisitorRequests(BaseCase):
    """Commits real data, removed at the end: each request must see what the others committed."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Let the routes call the emulator on this server with the Merchant API client's own timeouts."""
        if urlsplit(r.url).hostname in (HOST, 'localhost'):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.base_url = f'http://{HOST}:{odoo.tools.config["http_port"]}'
        self.tx_ids, self.sessions = [], []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref('base.UZS').active = True
            icp = env['ir.config_parameter']
            self.addCleanup(self._set_base_url, icp.get_param('web.base.url'))
            icp.set_param('web.base.url', self.base_url)  # where the routes find the emulator
            provider = env.ref('payment_click.payment_provider_click').copy({
                'name': "Click (parallel visitors)",
                'click_merchant_id': '4600', 'click_service_id': '990002',
                'click_merchant_user_id': '4321', 'click_secret_key': 'PARALLEL_SECRET',
            })
            provider.write({'state': 'test', 'journal_id': env['account.journal'].search(
                [('type', '=', 'bank'), ('company_id', '=', provider.company_id.id)], limit=1).id})
            self.provider_id = provider.id
        self.addCleanup(self._remove_data)

    def _set_base_url(self, base_url):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})['ir.config_parameter'].set_param('web.base.url', base_url)

    def _remove_data(self):
        for session in self.sessions:
            odoo.http.root.session_store.delete(session)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['payment.transaction'].browse(self.tx_ids).unlink()
            provider = env['payment.provider'].browse(self.provider_id)
            provider.write({'state': 'disabled'})
            provider.unlink()  # its attempts and emulated records go with it

    def _payments(self, count, method_xmlid):
        """``count`` draft payments of the method, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            txs = env['payment.transaction'].create([{
                'provider_id': self.provider_id,
                'payment_method_id': env.ref(method_xmlid).id,
                'amount': 15000.0,
                'currency_id': env.ref('base.UZS').id,
                'partner_id': env.ref('base.partner_admin').id,
                'reference': f'PARALLEL-{uuid.uuid4().hex[:8]}',
                'operation': 'online_direct',
            } for _i in range(count)])
            self.tx_ids += txs.ids
            return txs.mapped(lambda tx: (tx.id, tx.reference))

    def _browser(self, tx_id):
        """A browser session whose status page follows the payment ``tx_id``, as after pressing Pay."""
        session = odoo.http.root.session_store.new()
        session.update(odoo.http.get_default_session(), db=get_db_name())
        session[PaymentPostProcessing.MONITORED_TX_ID_KEY] = tx_id
        odoo.http.root.session_store.save(session)
        self.sessions.append(session)
        browser = requests.Session()
        browser.cookies['session_id'] = session.sid
        return browser

    def _post(self, browser, url, params):
        """Call the JSON route ``url`` from ``browser``: its result, or the error message the form shows."""
        response = browser.post(self.base_url + url, timeout=120, json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': params,
        }).json()
        return response['error']['data']['message'] if 'error' in response else response['result']

    def _race(self, url, calls):
        """Post each ``(tx_id, params)`` of ``calls`` to ``url`` at once, each from its own browser.

        :return: each answer: the result, or the error message the payment form would show
        """
        browsers = [(self._browser(tx_id), params) for tx_id, params in calls]
        barrier, answers = threading.Barrier(len(browsers)), []

        def post(browser, params):
            try:
                barrier.wait(timeout=30)
                answers.append(self._post(browser, url, params))
            except Exception as error:  # noqa: BLE001 - reported by the assertions on the answers
                answers.append(repr(error))
                barrier.abort()

        racers = [threading.Thread(target=post, args=browser_params) for browser_params in browsers]
        # The test runner holds the registry lock for the whole run; Odoo's HTTP tests lift it the
        # same way (Registry.enter_test_mode) so that the server's threads can build environments.
        with patch.object(Registry, '_lock', DummyRLock()):
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=180)
        self.assertEqual(len(answers), len(browsers), "every request was answered")
        return answers

    def _attempts(self, kind):
        with self.registry.cursor() as cr:
            return api.Environment(cr, SUPERUSER_ID, {})['payment.click.attempt'].search_count(
                [('provider_id', '=', self.provider_id), ('kind', '=', kind)])

    def _assert_answers(self, answers, success, refusals):
        """Each answer is a success or one of the refusals a visitor may read: never a server error."""
        for answer in answers:
            self.assertTrue(success(answer) or any(refusal in str(answer) for refusal in refusals), answer)
        return sum(1 for answer in answers if success(answer))

    @MUTE
    def test_parallel_sms_code_requests_reach_click_only_as_counted(self):
        sms_sent = lambda answer: isinstance(answer, dict) and answer.get('phone_number')  # noqa: E731
        refusals = (REFUSAL, "already sending a code")
        # One payment, ten browsers at once: one card step at a time, each counted before Click is called.
        [(tx_id, reference)] = self._payments(1, 'payment_click.payment_method_click_card')
        params = {'reference': reference, 'card_number': '8600 1234 5678 9012', 'expire_date': '1139'}
        with emulator_calls('card_token/request') as calls:
            answers = self._race(ClickCardTokenController._request_url, [(tx_id, params)] * RACERS)
            self.assertGreaterEqual(self._assert_answers(answers, sms_sent, refusals), 1)
            self.assertEqual(calls(), self._attempts('sms_code'), "every code Click sent was counted")
        self.assertLessEqual(self._attempts('sms_code'), const.THROTTLE_PER_SUBJECT)

        # Ten payments of ten guests, one card: the card's limit holds across them.
        params = dict(params, card_number='8600 0000 0000 0015')
        with emulator_calls('card_token/request') as calls:
            answers = self._race(ClickCardTokenController._request_url, [
                (tx_id, dict(params, reference=reference))
                for tx_id, reference in self._payments(RACERS, 'payment_click.payment_method_click_card')
            ])
            self.assertEqual(self._assert_answers(answers, sms_sent, refusals), const.THROTTLE_PER_SUBJECT)
            self.assertEqual(calls(), const.THROTTLE_PER_SUBJECT)

    @MUTE
    def test_parallel_invoice_requests_reach_click_only_as_counted(self):
        invoice_sent = lambda answer: answer == {'status_url': '/payment/status'}  # noqa: E731
        refusals = (REFUSAL, "already sent")
        # One payment, ten browsers at once: one invoice.
        [(tx_id, reference)] = self._payments(1, 'payment_click.payment_method_click_app')
        with emulator_calls('invoice/create') as calls:
            answers = self._race(ClickController._invoice_url,
                                 [(tx_id, {'reference': reference, 'phone': '+998 90 123 45 67'})] * RACERS)
            self.assertEqual(self._assert_answers(answers, invoice_sent, refusals), 1)
            self.assertEqual(calls(), 1)

        # Ten payments of ten guests, one phone: the phone's limit holds across them.
        with emulator_calls('invoice/create') as calls:
            answers = self._race(ClickController._invoice_url, [
                (tx_id, {'reference': reference, 'phone': '+998 93 111 22 33'})
                for tx_id, reference in self._payments(RACERS, 'payment_click.payment_method_click_app')
            ])
            self.assertEqual(self._assert_answers(answers, invoice_sent, refusals), const.THROTTLE_PER_SUBJECT)
            self.assertEqual(calls(), const.THROTTLE_PER_SUBJECT)

    @MUTE
    def test_cards_click_refuses_count_and_the_refusal_does_not_tell_whether_a_card_exists(self):
        """A refused card is counted like any other, and past a limit Click is not asked at all.

        Here, as in production, the count is committed even when the request then fails.
        """
        [(tx_id, reference)] = self._payments(1, 'payment_click.payment_method_click_card')
        url, browser = ClickCardTokenController._request_url, self._browser(tx_id)
        blocked = {'reference': reference, 'card_number': BLOCKED, 'expire_date': '1139'}
        with patch.object(Registry, '_lock', DummyRLock()):
            for _attempt in range(const.THROTTLE_PER_SUBJECT):
                self.assertIn("Card is blocked", self._post(browser, url, blocked))
            with emulator_calls('card_token/request') as calls:
                again = self._post(browser, url, blocked)
                valid = self._post(browser, url, dict(blocked, card_number='8600 1234 5678 9012'))
                self.assertEqual(calls(), 0)
        self.assertIn(REFUSAL, again)
        self.assertEqual(again, valid, "the same words for a card Click refuses and for a valid one")
