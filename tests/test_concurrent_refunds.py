"""Refunds of one Click payment racing on separate database connections, as on two Odoo workers."""
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tests.common import HOST
from odoo.tools import config

from odoo.addons.payment_click.click_api.emulator import new_click_id
from odoo.addons.payment_click.tests.common import ClickCommon

RACERS = 3


@tagged('post_install', '-at_install')
class TestConcurrentRefunds(BaseCase):
    """Commits real data: every racer needs its own connection to see it, and so does the emulator,
    which Click's calls reach over HTTP."""

    _request_handler = ClickCommon._request_handler  # the emulator is this server

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref('base.UZS').active = True
            params = env['ir.config_parameter']
            self.base_url = params.get_param('web.base.url')
            params.set_param('web.base.url', f"http://{HOST}:{config['http_port']}")  # the emulator is this server
            provider = env.ref('payment_click.payment_provider_click').copy({
                'name': "Click (refund race)",
                'click_merchant_id': '4600', 'click_service_id': '990002',
                'click_merchant_user_id': '4321', 'click_secret_key': 'REFUND_RACE_SECRET',
            })
            provider.write({'state': 'test', 'journal_id': env['account.journal'].search(
                [('type', '=', 'bank'), ('company_id', '=', provider.company_id.id)], limit=1).id})
            paydoc = str(new_click_id())
            tx = env['payment.transaction'].create({
                'provider_id': provider.id,
                'payment_method_id': env.ref('payment_click.payment_method_click').id,
                'amount': 15000.0,
                'currency_id': env.ref('base.UZS').id,
                'partner_id': env.ref('base.partner_admin').id,
                'reference': 'REFUND-RACE-1',
                'operation': 'online_redirect',
                'provider_reference': paydoc,
                'click_trans_id': str(new_click_id()),
            })
            tx._set_done()
            tx.is_post_processed = True
            emulated = env['payment.click.emulator.payment'].create({
                'provider_id': provider.id, 'payment_id': paydoc, 'click_trans_id': tx.click_trans_id,
                'merchant_trans_id': tx.reference, 'amount': 15000.0, 'payment_status': 2,
                'payment_date': fields.Datetime.now(),
            })
            self.provider_id, self.tx_id, self.emulated_id = provider.id, tx.id, emulated.id
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tx = env['payment.transaction'].browse(self.tx_id)
            txs = tx.child_transaction_ids + tx
            env['mail.activity'].search([('res_model', '=', 'res.partner'),
                                         ('res_id', '=', tx.partner_id.id),
                                         ('summary', 'like', 'Click refund')]).unlink()
            txs.payment_id.action_draft()
            txs.payment_id.unlink()
            txs.unlink()
            env['payment.click.emulator.payment'].browse(self.emulated_id).unlink()
            env['payment.provider'].browse(self.provider_id).write({'state': 'disabled'})
            env['payment.provider'].browse(self.provider_id).unlink()
            env['ir.config_parameter'].set_param('web.base.url', self.base_url)

    def _refund_in_own_transaction(self, barrier, answers):
        """What one worker does with one press of Refund: its own cursor, Odoo's retry loop, a commit."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                tx = env['payment.transaction'].browse(self.tx_id)
                barrier.wait(timeout=30)
                retrying(tx.action_refund, env)
                answers.append('refunded')
        except Exception as error:  # noqa: BLE001 - reported by the assertion on the answers
            answers.append(str(error))
            barrier.abort()

    def test_simultaneous_refunds_reverse_once(self):
        barrier, answers = threading.Barrier(RACERS), []
        racers = [threading.Thread(target=self._refund_in_own_transaction, args=(barrier, answers))
                  for _i in range(RACERS)]
        with patch.object(Registry, '_lock', DummyRLock()):  # as in test_concurrency.py
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=90)
        self.assertEqual(answers.count('refunded'), 1, answers)
        for answer in answers:
            if answer != 'refunded':
                self.assertIn("left to reverse", answer)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            refunds = env['payment.transaction'].browse(self.tx_id).child_transaction_ids
            self.assertEqual(refunds.mapped('state'), ['done'], "one refund")
            emulated = env['payment.click.emulator.payment'].browse(self.emulated_id)
            self.assertEqual((emulated.payment_status, emulated.reversed_amount), (-9, 15000.0),
                             "Click reversed the payment once")
