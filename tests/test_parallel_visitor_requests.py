"""Visitors' requests for SMS codes and invoices racing over real HTTP, each in its own browser session,
worker thread and database transaction, as on a production server: the limits hold under concurrency.
"""
import uuid
from functools import partial
from unittest.mock import patch

from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.payment_click import const
from odoo.addons.payment_click.controllers.card_token import ClickCardTokenController
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import BLOCKED, REFUSAL, ClickCommittedCase, emulator_calls

RACERS = 10
MUTE = mute_logger('odoo.addons.payment_click.models.payment_click_attempt',
                   'odoo.addons.payment_click.emulator.controllers.merchant',
                   'odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.click_api.merchant',
                   'odoo.http')


@tagged('post_install', '-at_install')
class TestParallelVisitorRequests(ClickCommittedCase):
    """Commits real data, removed at the end: each request must see what the others committed."""

    def setUp(self):
        super().setUp()
        self.tx_ids = []
        self._click_is_this_server()
        self.provider_id = self._committed_provider("Click (parallel visitors)", '990002', 'PARALLEL_SECRET')
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self._committed_env() as env:
            env['payment.transaction'].browse(self.tx_ids).unlink()

    def _payments(self, count, method_xmlid):
        """``count`` draft payments of the method, committed."""
        with self._committed_env() as env:
            txs = env['payment.transaction'].create([
                self._tx_values(env, self.provider_id, f'PARALLEL-{uuid.uuid4().hex[:8]}', 'online_direct',
                                method_xmlid)
                for _i in range(count)
            ])
            self.tx_ids += txs.ids
            return txs.mapped(lambda tx: (tx.id, tx.reference))

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

        def post(browser, params, start):
            start()
            return self._post(browser, url, params)

        answers = self._race_threads([partial(post, *browser_params) for browser_params in browsers], timeout=180)
        self.assertEqual(len(answers), len(browsers), "every request was answered")
        return answers

    def _attempts(self, kind):
        with self._committed_env() as env:
            return env['payment.click.attempt'].search_count(
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
