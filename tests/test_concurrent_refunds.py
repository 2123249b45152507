"""Refunds of one Click payment racing on separate database connections, as on two Odoo workers."""
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.service.model import retrying
from odoo.tools import SQL, mute_logger
from odoo.tests import tagged

from odoo.addons.payment_click.click_api.shop_client import new_click_id
from odoo.addons.payment_click.tests.common import ClickCommittedCase

RACERS = 3


@tagged('post_install', '-at_install')
class TestConcurrentRefunds(ClickCommittedCase):
    """Commits real data: every racer needs its own connection to see it, and so does the emulator,
    which Click's calls reach over HTTP."""

    def setUp(self):
        super().setUp()
        self._click_is_this_server()
        self.provider_id = self._committed_provider("Click (refund race)", '990002', 'REFUND_RACE_SECRET')
        with self._committed_env() as env:
            paydoc = str(new_click_id())
            tx = env['payment.transaction'].create(self._tx_values(
                env, self.provider_id, 'REFUND-RACE-1', 'online_redirect',
                provider_reference=paydoc, click_trans_id=str(new_click_id()),
            ))
            tx._set_done()
            tx.is_post_processed = True
            emulated = env['payment.click.emulator.payment'].create({
                'provider_id': self.provider_id, 'payment_id': paydoc, 'click_trans_id': tx.click_trans_id,
                'merchant_trans_id': tx.reference, 'amount': 15000.0, 'payment_status': 2,
                'payment_date': fields.Datetime.now(),
            })
            self.tx_id, self.emulated_id = tx.id, emulated.id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            txs = tx.child_transaction_ids + tx
            env['mail.activity'].search([('res_model', '=', 'res.partner'),
                                         ('res_id', '=', tx.partner_id.id),
                                         ('summary', 'like', 'Click refund')]).unlink()
            txs.payment_id.action_draft()
            txs.payment_id.unlink()
            txs.unlink()
            env['payment.click.emulator.payment'].browse(self.emulated_id).unlink()

    def _refund_in_own_transaction(self, start):
        """What one worker does with one press of Refund: its own cursor, Odoo's retry loop, a commit."""
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            start()
            retrying(tx.action_refund, env)
            return 'refunded'

    def _sync_in_own_transaction(self, start):
        """What the status sync's cron does: its own cursor, a commit."""
        with self._committed_env() as env:
            start()
            env['payment.transaction']._cron_click_sync_status()

    def test_simultaneous_refunds_reverse_once(self):
        answers = self._race_threads([self._refund_in_own_transaction] * RACERS, timeout=90)
        self.assertEqual(answers.count('refunded'), 1, answers)
        for answer in answers:
            if answer != 'refunded':  # refused: the refund was under way (committed pending), or done
                self.assertRegex(answer, "left to reverse|is under way")
        with self._committed_env() as env:
            refunds = env['payment.transaction'].browse(self.tx_id).child_transaction_ids
            self.assertEqual(refunds.mapped('state'), ['done'], "one refund")
            emulated = env['payment.click.emulator.payment'].browse(self.emulated_id)
            self.assertEqual((emulated.payment_status, emulated.reversed_amount), (-9, 15000.0),
                             "Click reversed the payment once")

    @mute_logger('odoo.service.model')
    def test_a_refund_replayed_after_clicks_answer_books_one_refund(self):
        """The request fails to serialize as Click's answer enters the door: Odoo replays it, and the
        replay finds the refund on record, under way; the status sync books it, once."""
        Transaction = self.registry['payment.transaction']
        door = Transaction._handle_notification_data

        def another_worker_writes_first(records, provider_code, data):
            if not door_calls:  # another worker writes on the refund since this request began
                records.env.cr.execute(SQL("SELECT id FROM payment_transaction WHERE reference = %s",
                                           data['reference']))
                with self._committed_env() as env:
                    env['payment.transaction'].search([('reference', '=', data['reference'])]).state_message = "Busy"
            door_calls.append(data['reversal'])
            return door(records, provider_code, data)

        door_calls = []
        door_patch = patch.object(Transaction, '_handle_notification_data', autospec=True,
                                  side_effect=another_worker_writes_first)
        door_patch.start()
        self.addCleanup(door_patch.stop)
        answers = self._race_threads([self._refund_in_own_transaction], timeout=90)
        self.assertEqual(len(answers), 1)
        self.assertRegex(answers[0], "is under way")
        self.assertEqual(door_calls, ['done'], "Click reversed it; the answer was lost with the request")
        with self._committed_env() as env:
            refund = env['payment.transaction'].browse(self.tx_id).child_transaction_ids
            self.assertEqual(refund.state, 'pending', "on record before Click was asked")
            refund.last_state_change -= timedelta(minutes=refund.provider_id.click_sync_delay + 1)
        self._race_threads([self._sync_in_own_transaction], timeout=90)
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertEqual(tx.child_transaction_ids.mapped('state'), ['done'], "one refund, booked")
            self.assertEqual(door_calls, ['done', 'done'], "the sync's word enters through the door too")
            emulated = env['payment.click.emulator.payment'].browse(self.emulated_id)
            self.assertEqual((emulated.payment_status, emulated.reversed_amount), (-9, 15000.0),
                             "Click reversed the payment once")
