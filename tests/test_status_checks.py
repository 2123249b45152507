"""The status page and the status sync asking Click about one payment at once, on separate connections."""
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name, tagged

WORKERS = 4


@tagged('post_install', '-at_install')
class TestConcurrentStatusChecks(BaseCase):
    """Commits real data: every worker needs its own connection to see it."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref('base.UZS').active = True
            self.tx_id = env['payment.transaction'].create({
                'provider_id': env.ref('payment_click.payment_provider_click').id,
                'payment_method_id': env.ref('payment_click.payment_method_click_app').id,
                'amount': 15000.0,
                'currency_id': env.ref('base.UZS').id,
                'partner_id': env.ref('base.partner_admin').id,
                'reference': 'CHECK-RACE-1',
                'operation': 'online_direct',
                'click_invoice_id': '1234567',
                'click_invoice_phone': '998901234567',
            }).id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})['payment.transaction'].browse(self.tx_id).unlink()

    def _claim_in_own_transaction(self, barrier, claims):
        """What one worker does: its own cursor, the claim, a commit."""
        try:
            with self.registry.cursor() as cr:
                tx = api.Environment(cr, SUPERUSER_ID, {})['payment.transaction'].browse(self.tx_id)
                barrier.wait(timeout=30)
                claims.append(tx._click_claim_check())
        except Exception as error:  # noqa: BLE001 - reported by the assertion on the claims
            claims.append(repr(error))
            barrier.abort()

    def _race(self):
        barrier, claims = threading.Barrier(WORKERS), []
        workers = [threading.Thread(target=self._claim_in_own_transaction, args=(barrier, claims))
                   for _i in range(WORKERS)]
        # The test runner holds the registry lock; Odoo's HTTP tests lift it the same way.
        with patch.object(Registry, '_lock', DummyRLock()):
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=60)
        return sorted(claims, key=str)

    def test_the_status_page_and_the_status_sync_ask_one_at_a_time(self):
        with self.assertNoLogs('odoo', 'ERROR'):
            self.assertEqual(self._race(), [False] * (WORKERS - 1) + [True],
                             "one worker asks Click; the others neither wait nor fail")
            self.assertEqual(self._race(), [False] * WORKERS, "nobody asks again within the interval")
        with self.registry.cursor() as cr:
            tx = api.Environment(cr, SUPERUSER_ID, {})['payment.transaction'].browse(self.tx_id)
            self.assertTrue(tx.click_checked_date)
