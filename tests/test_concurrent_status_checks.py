"""The status page and the status sync asking Click about one payment at once, on separate connections."""
from odoo.tests import tagged

from odoo.addons.payment_click.tests.common import ClickCommittedCase

WORKERS = 4


@tagged('post_install', '-at_install')
class TestConcurrentStatusChecks(ClickCommittedCase):
    """Commits real data: every worker needs its own connection to see it."""

    def setUp(self):
        super().setUp()
        with self._committed_env() as env:
            env.ref('base.UZS').active = True
            self.tx_id = env['payment.transaction'].create(self._tx_values(
                env, env.ref('payment_click.payment_provider_click').id, 'CHECK-RACE-1', 'online_direct',
                'payment_click.payment_method_click_app',
                click_invoice_id='1234567', click_invoice_phone='998901234567',
            )).id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self._committed_env() as env:
            env['payment.transaction'].browse(self.tx_id).unlink()

    def _claim_in_own_transaction(self, start):
        """What one worker does: its own cursor, the claim, a commit."""
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            start()
            return tx._click_claim_check()

    def _race(self):
        return sorted(self._race_threads([self._claim_in_own_transaction] * WORKERS), key=str)

    def test_the_status_page_and_the_status_sync_ask_one_at_a_time(self):
        with self.assertNoLogs('odoo', 'ERROR'):
            self.assertEqual(self._race(), [False] * (WORKERS - 1) + [True],
                             "one worker asks Click; the others neither wait nor fail")
            self.assertEqual(self._race(), [False] * WORKERS, "nobody asks again within the interval")
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertTrue(tx.click_checked_date)
