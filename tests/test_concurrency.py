"""Duplicate Completes racing on separate database connections, as on two Odoo workers."""
import threading
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying

from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.payment_click.click_api.emulator import ShopClient
from odoo.addons.payment_click.click_api.shop import ShopError

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
