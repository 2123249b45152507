"""Racing requests on separate database connections, as on two Odoo workers."""
import threading
from datetime import timedelta
from decimal import Decimal
from functools import partial
from unittest.mock import patch

from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import tagged

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.shop_client import ShopClient
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommittedCase

SECRET_KEY = 'RACE_SECRET'
RACERS = 4


@tagged('post_install', '-at_install')
class TestConcurrentCompletes(ClickCommittedCase):
    """Commits real data: every racer needs its own connection to see it, like a worker does."""

    def setUp(self):
        super().setUp()
        self.provider_id = self._committed_provider("Click (race)", '990001', SECRET_KEY)
        with self._committed_env() as env:
            tx = env['payment.transaction'].create(
                self._tx_values(env, self.provider_id, 'RACE-1', 'online_redirect'))
            self.tx_id = tx.id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            tx.payment_id.action_draft()
            tx.payment_id.unlink()
            tx.unlink()

    def _handle_in_own_transaction(self, form, start):
        """What one worker does with one request: its own cursor, Odoo's retry loop, a commit."""
        with self._committed_env() as env:
            handle = partial(env['payment.transaction'].sudo()._click_answer_callback, list(form.items()))
            start()
            return retrying(handle, env)

    def _race(self, form):
        answers = self._race_threads([partial(self._handle_in_own_transaction, form)] * RACERS)
        return sorted(answer['error'] if isinstance(answer, dict) else answer for answer in answers)

    def test_simultaneous_completes_pay_once(self):
        client = ShopClient('', '', '990001', SECRET_KEY)
        prepare = client.build_form('0', 'RACE-1', '15000.00')
        self.assertEqual(self._race(prepare), [ShopError.SUCCESS] * RACERS,
                         "concurrent Prepares all answer 0 with the same prepare id")
        complete = client.build_form('1', 'RACE-1', '15000.00', merchant_prepare_id=self.tx_id,
                                     click_trans_id=prepare['click_trans_id'],
                                     click_paydoc_id=prepare['click_paydoc_id'])
        self.assertEqual(self._race(complete), [ShopError.ALREADY_PAID] * (RACERS - 1) + [ShopError.SUCCESS])
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertEqual(tx.state, 'done')
            # The cron that Complete triggers, run twice: the second run must find nothing to do.
            env['payment.transaction']._cron_post_process()
            env['payment.transaction']._cron_post_process()
            payments = env['account.payment'].search([('payment_transaction_id', '=', tx.id)])
            self.assertEqual(len(payments), 1)
            self.assertEqual(payments.amount, 15000.0)

    def test_a_repeated_complete_does_not_wait_for_the_post_processing(self):
        """Click repeats a Complete while the cron post-processes the payment: the repeat is answered at
        once, not after the cron, which may itself wait for a free worker (sale's order PDF is fetched
        from this server), held by repeats waiting for it."""
        client = ShopClient('', '', '990001', SECRET_KEY)
        prepare = client.build_form('0', 'RACE-1', '15000.00')
        complete = client.build_form('1', 'RACE-1', '15000.00', merchant_prepare_id=self.tx_id,
                                     click_trans_id=prepare['click_trans_id'],
                                     click_paydoc_id=prepare['click_paydoc_id'])
        for form in (prepare, complete):
            self.assertEqual(self._handle_in_own_transaction(form, lambda: None)['error'], ShopError.SUCCESS)
        answers = []
        repeat = threading.Thread(
            target=lambda: answers.append(self._handle_in_own_transaction(complete, lambda: None)),
        )
        with patch.object(Registry, '_lock', DummyRLock()), self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertTrue(tx._click_claim_post_processing(wait=False), "the cron holds the payment")
            repeat.start()
            repeat.join(timeout=10)
            waited = repeat.is_alive()
            env.cr.rollback()  # the post-processing ends (and is undone: this test books nothing)
            repeat.join()
        self.assertFalse(waited, "the repeated Complete waited for the post-processing")
        self.assertEqual(answers[0]['error'], ShopError.ALREADY_PAID)


@tagged('post_install', '-at_install')
class TestConcurrentPostProcessing(ClickCommittedCase):
    """The status page's poll and the post-processing cron, at once on one paid invoice: booked once.

    Commits real data, over the real HTTP routes: the poll is served by Odoo's HTTP server with its
    own database connection, while the cron runs on another.
    """
    ROUNDS = 4

    def setUp(self):
        super().setUp()
        self.provider_id = self._committed_provider("Click (post-processing race)", '990002', SECRET_KEY)
        self.tx_ids, self.invoice_ids = [], []
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self._committed_env() as env:
            txs = env['payment.transaction'].browse(self.tx_ids)
            txs.payment_id.action_draft()
            txs.payment_id.unlink()
            txs.unlink()
            invoices = env['account.move'].browse(self.invoice_ids)
            invoices.button_draft()
            partners = invoices.partner_id
            invoices.with_context(force_delete=True).unlink()
            partners.unlink()

    def _paid_invoice(self, index):
        """A posted invoice paid through Click over HTTP (Prepare, Complete), not post-processed yet."""
        reference = f'PPRACE-{index}'
        with self._committed_env() as env:
            uzs = env.ref('base.UZS')
            partner = env['res.partner'].create({'name': "Dilnoza Karimova", 'email': 'dilnoza@example.uz'})
            invoice = env['account.move'].create({
                'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': uzs.id,
                'invoice_line_ids': [(0, 0, {'name': "Chair", 'quantity': 1, 'price_unit': 15000.0, 'tax_ids': []})],
            })
            invoice.action_post()
            tx = env['payment.transaction'].create({
                'provider_id': self.provider_id, 'reference': reference, 'operation': 'online_redirect',
                'payment_method_id': env.ref('payment_click.payment_method_click').id,
                'amount': 15000.0, 'currency_id': uzs.id, 'partner_id': invoice.partner_id.id,
                'invoice_ids': [(6, 0, invoice.ids)],
            })
            self.tx_ids.append(tx.id)
            self.invoice_ids.append(invoice.id)
        client = ShopClient(f'{self.base_url}{ClickController._prepare_url}',
                            f'{self.base_url}{ClickController._complete_url}', '990002', SECRET_KEY)
        prepared = client.prepare(reference, Decimal(15000))
        self.assertEqual(prepared.error, ShopError.SUCCESS, prepared.body)
        completed = client.complete(reference, Decimal(15000), prepared.body['merchant_prepare_id'])
        self.assertEqual(completed.error, ShopError.SUCCESS, completed.body)
        return tx.id, invoice.id

    def _post_process_by_cron(self, start):
        with self._committed_env() as env:
            start()
            env['payment.transaction']._cron_post_process()

    def _poll(self, browser, start):
        start()
        response = browser.post(f'{self.base_url}/payment/status/poll', json={
            'jsonrpc': '2.0', 'method': 'call', 'params': {},
        }, timeout=60)
        return response.json().get('result', response.text)

    def test_cron_run_hands_over_when_its_time_is_up(self):
        """A cron run that has used its time stops taking payments and triggers the next run, instead
        of outlasting the cron worker's time limit."""
        with patch.object(Registry, '_lock', DummyRLock()):  # lifted for the HTTP server's threads too
            tx_ids = [self._paid_invoice(index)[0] for index in range(3)]
        with self._committed_env() as env:
            cron = env.ref('payment.cron_post_process_payment_tx')
            triggers = env['ir.cron.trigger'].search([('cron_id', '=', cron.id)])
            with patch.object(const, 'POST_PROCESSING_RUN_TIME', timedelta(0)):
                env['payment.transaction'].with_context(cron_id=cron.id)._cron_post_process()
            txs = env['payment.transaction'].browse(tx_ids)
            self.assertLessEqual(len(txs.filtered('is_post_processed')), 1, "one payment before the time was up")
            self.assertTrue(env['ir.cron.trigger'].search([('cron_id', '=', cron.id), ('id', 'not in', triggers.ids)]),
                            "the next run is triggered")
            env['payment.transaction']._cron_post_process()  # outside a cron run: all of them
            self.assertTrue(all(txs.mapped('is_post_processed')))
            self.assertEqual(len(txs.payment_id), 3, "one payment each")

    def test_poll_and_cron_post_process_once(self):
        with patch.object(Registry, '_lock', DummyRLock()):  # lifted for the HTTP server's threads too
            for index in range(self.ROUNDS):
                self._race_post_processing(index)

    def _race_post_processing(self, index):
        tx_id, invoice_id = self._paid_invoice(index)
        browser = self._browser(tx_id)
        with self.assertNoLogs('odoo', 'ERROR'):
            outcomes = self._race_threads([partial(self._poll, browser), self._post_process_by_cron])
        self.assertEqual([outcome['state'] if isinstance(outcome, dict) else outcome for outcome in outcomes],
                         ['done'], "the poll reports the payment done, whoever post-processed it")
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(tx_id)
            self.assertTrue(tx.is_post_processed)
            self.assertEqual(env['account.payment'].search_count([('payment_transaction_id', '=', tx_id)]), 1)
            notes = env['mail.message'].search_count([
                ('model', '=', 'account.move'), ('res_id', '=', invoice_id),
                ('body', 'ilike', 'has been posted'),
            ])
            self.assertEqual(notes, 1, "one \"payment has been posted\" note on the invoice")
