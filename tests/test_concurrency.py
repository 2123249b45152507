"""Racing requests on separate database connections, as on two Odoo workers."""
import threading
from decimal import Decimal
from functools import partial
from unittest.mock import patch

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tools import config

from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tests.common import HOST

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment_click.click_api.emulator import ShopClient
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.controllers.main import ClickController

SECRET_KEY = 'RACE_SECRET'
RACERS = 4


@tagged('post_install', '-at_install')
class TestConcurrentCompletes(BaseCase):
    """Commits real data: every racer needs its own connection to see it, like a worker does."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref('base.UZS').active = True
            provider = env.ref('payment_click.payment_provider_click').copy({
                'name': "Click (race)",
                'click_merchant_id': '4600', 'click_service_id': '990001',
                'click_merchant_user_id': '4321', 'click_secret_key': SECRET_KEY,
            })
            provider.write({'state': 'test', 'journal_id': env['account.journal'].search(
                [('type', '=', 'bank'), ('company_id', '=', provider.company_id.id)], limit=1).id})
            tx = env['payment.transaction'].create({
                'provider_id': provider.id,
                'payment_method_id': env.ref('payment_click.payment_method_click').id,
                'amount': 15000.0,
                'currency_id': env.ref('base.UZS').id,
                'partner_id': env.ref('base.partner_admin').id,
                'reference': 'RACE-1',
                'operation': 'online_redirect',
            })
            self.provider_id, self.tx_id = provider.id, tx.id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tx = env['payment.transaction'].browse(self.tx_id)
            tx.payment_id.action_draft()
            tx.payment_id.unlink()
            tx.unlink()
            env['payment.provider'].browse(self.provider_id).write({'state': 'disabled'})
            env['payment.provider'].browse(self.provider_id).unlink()

    def _handle_in_own_transaction(self, form, barrier, answers):
        """What one worker does with one request: its own cursor, Odoo's retry loop, a commit."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                handle = partial(env['payment.transaction'].sudo()._click_handle_shop_request, list(form.items()))
                barrier.wait(timeout=30)
                answers.append(retrying(handle, env))
        except Exception as error:  # noqa: BLE001 - reported by the assertion on the answers
            answers.append(repr(error))
            barrier.abort()

    def _race(self, form):
        barrier, answers = threading.Barrier(RACERS), []
        racers = [threading.Thread(target=self._handle_in_own_transaction, args=(form, barrier, answers))
                  for _i in range(RACERS)]
        # The test runner holds the registry lock for the whole run; Odoo's HTTP tests lift it the
        # same way (Registry.enter_test_mode) so that other threads can build environments.
        with patch.object(Registry, '_lock', DummyRLock()):
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=60)
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
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertEqual(tx.state, 'done')
            # The cron that Complete triggers, run twice: the second run must find nothing to do.
            env['payment.transaction']._cron_post_process()
            env['payment.transaction']._cron_post_process()
            payments = env['account.payment'].search([('payment_transaction_id', '=', tx.id)])
            self.assertEqual(len(payments), 1)
            self.assertEqual(payments.amount, 15000.0)


@tagged('post_install', '-at_install')
class TestConcurrentPostProcessing(BaseCase):
    """The status page's poll and the post-processing cron, at once on one paid invoice: booked once.

    Commits real data, over the real HTTP routes: the poll is served by Odoo's HTTP server with its
    own database connection, while the cron runs on another.
    """
    ROUNDS = 4

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.base_url = f'http://{HOST}:{config["http_port"]}'
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref('base.UZS').active = True
            provider = env.ref('payment_click.payment_provider_click').copy({
                'name': "Click (post-processing race)",
                'click_merchant_id': '4600', 'click_service_id': '990002',
                'click_merchant_user_id': '4321', 'click_secret_key': SECRET_KEY,
            })
            provider.write({'state': 'test', 'journal_id': env['account.journal'].search(
                [('type', '=', 'bank'), ('company_id', '=', provider.company_id.id)], limit=1).id})
            self.provider_id = provider.id
        self.tx_ids, self.invoice_ids = [], []
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            txs = env['payment.transaction'].browse(self.tx_ids)
            txs.payment_id.action_draft()
            txs.payment_id.unlink()
            txs.unlink()
            invoices = env['account.move'].browse(self.invoice_ids)
            invoices.button_draft()
            partners = invoices.partner_id
            invoices.with_context(force_delete=True).unlink()
            partners.unlink()
            env['payment.provider'].browse(self.provider_id).write({'state': 'disabled'})
            env['payment.provider'].browse(self.provider_id).unlink()

    def _paid_invoice(self, index):
        """A posted invoice paid through Click over HTTP (Prepare, Complete), not post-processed yet."""
        reference = f'PPRACE-{index}'
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
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

    def _status_page(self, tx_id):
        """The browser that started the payment, whose status page follows the transaction."""
        session = odoo.http.root.session_store.new()
        session.update(odoo.http.get_default_session(), db=get_db_name())
        session[PaymentPostProcessing.MONITORED_TX_ID_KEY] = tx_id
        odoo.http.root.session_store.save(session)
        self.addCleanup(odoo.http.root.session_store.delete, session)
        browser = requests.Session()
        browser.cookies['session_id'] = session.sid
        return browser

    def _post_process_by_cron(self, barrier, outcomes):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait(timeout=30)
                env['payment.transaction']._cron_post_process()
        except Exception as error:  # noqa: BLE001 - reported by the assertion on the outcomes
            outcomes.append(repr(error))
            barrier.abort()

    def _poll(self, browser, barrier, outcomes):
        try:
            barrier.wait(timeout=30)
            response = browser.post(f'{self.base_url}/payment/status/poll', json={
                'jsonrpc': '2.0', 'method': 'call', 'params': {},
            }, timeout=60)
            outcomes.append(response.json().get('result', response.text))
        except Exception as error:  # noqa: BLE001 - reported by the assertion on the outcomes
            outcomes.append(repr(error))
            barrier.abort()

    def test_poll_and_cron_post_process_once(self):
        with patch.object(Registry, '_lock', DummyRLock()):  # lifted for the HTTP server's threads too
            for index in range(self.ROUNDS):
                self._race_post_processing(index)

    def _race_post_processing(self, index):
        tx_id, invoice_id = self._paid_invoice(index)
        browser = self._status_page(tx_id)
        barrier, outcomes = threading.Barrier(2), []
        racers = [threading.Thread(target=self._poll, args=(browser, barrier, outcomes)),
                  threading.Thread(target=self._post_process_by_cron, args=(barrier, outcomes))]
        with self.assertNoLogs('odoo', 'ERROR'):
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=60)
        self.assertEqual([outcome['state'] if isinstance(outcome, dict) else outcome for outcome in outcomes],
                         ['done'], "the poll reports the payment done, whoever post-processed it")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tx = env['payment.transaction'].browse(tx_id)
            self.assertTrue(tx.is_post_processed)
            self.assertEqual(env['account.payment'].search_count([('payment_transaction_id', '=', tx_id)]), 1)
            notes = env['mail.message'].search_count([
                ('model', '=', 'account.move'), ('res_id', '=', invoice_id),
                ('body', 'ilike', 'has been posted'),
            ])
            self.assertEqual(notes, 1, "one \"payment has been posted\" note on the invoice")
