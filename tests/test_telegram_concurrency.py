"""Telegram's successful_payment delivered several times at once to the webhook, over HTTP, each request
on its own worker thread and database connection: one payment is recorded, and a second charge alerts the
accountant once."""
from functools import partial

import requests

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import telegram
from odoo.addons.payment_click.controllers.telegram import ClickTelegramController
from odoo.addons.payment_click.tests.common import ClickCommittedCase

RACERS = 4
SUMMARY = "Click tg-race-2: check this payment"
WEBHOOK_SECRET = 'Race-Webhook-Secret_0123456789'


@tagged('post_install', '-at_install')
class TestConcurrentTelegramPayments(ClickCommittedCase):

    def setUp(self):
        super().setUp()
        self.provider_id = self._committed_provider("Click (Telegram race)", '990021', 'RACE_TELEGRAM')
        with self._committed_env() as env:
            provider = env['payment.provider'].browse(self.provider_id)
            provider.write({'click_telegram_bot_token': '7000000003:RaceBot', 'click_telegram_provider_token': 'P',
                            'click_telegram_webhook_secret': WEBHOOK_SECRET})
            tx = env['payment.transaction'].create(self._tx_values(
                env, self.provider_id, 'TG-RACE-1', 'online_redirect',
                method_xmlid='payment_click.payment_method_click_telegram',
            ))
            tx._set_pending()
            self.tx_id = tx.id
            self.payload = telegram.sign_payload(provider._click_telegram_payload_secret(), tx.reference)
        self.addCleanup(self._remove_race_data)

    def _remove_race_data(self):
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            partner = tx.partner_id
            env['mail.activity'].search([
                ('res_model', '=', 'res.partner'), ('res_id', '=', partner.id),
                ('summary', 'in', (SUMMARY, tx._click_receipt_activity_summary())),
            ]).unlink()
            partner.message_ids.filtered(lambda message: 'tg-race' in str(message.body)).unlink()
            tx.payment_id.action_draft()
            tx.payment_id.unlink()
            tx.unlink()

    def _deliver(self, charge, start):
        """Post one delivery of the payment ``charge`` to the webhook, as Telegram does: the HTTP status."""
        update = {'update_id': 1, 'message': {'message_id': 1, 'successful_payment': {
            'currency': 'UZS', 'total_amount': 1500000, 'invoice_payload': self.payload,
            'telegram_payment_charge_id': charge, 'provider_payment_charge_id': f'click-{charge}',
        }}}
        start()
        return requests.post(f'{self.base_url}{ClickTelegramController._webhook_url}/{self.provider_id}', json=update,
                             headers={const.TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}, timeout=60).status_code

    @mute_logger('odoo.addons.payment_click.models.payment_transaction',
                 'odoo.addons.payment_click.models.payment_transaction_fiscal',
                 'odoo.sql_db', 'odoo.service.model')  # the losers' serialization failures, replayed
    def test_simultaneous_deliveries_record_one_payment_and_one_alert(self):
        outcomes = self._race_threads([partial(self._deliver, 'tg-race-1')] * RACERS)
        self.assertEqual(outcomes, [200] * RACERS, "each delivery is taken")
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertEqual((tx.state, tx.click_telegram_charge_id), ('done', 'tg-race-1'))
            self.assertFalse(env['mail.activity'].search_count([('summary', 'like', 'tg-race-1')]))
        outcomes = self._race_threads([partial(self._deliver, 'tg-race-2')] * RACERS)
        self.assertEqual(outcomes, [200] * RACERS, "each delivery is taken")
        with self._committed_env() as env:
            tx = env['payment.transaction'].browse(self.tx_id)
            self.assertEqual(tx.click_telegram_charge_id, 'tg-race-1', "the first payment keeps its ids")
            self.assertEqual(env['mail.activity'].search_count([('summary', '=', SUMMARY)]), 1,
                             "a second charge, delivered four times at once, alerts the accountant once")
            env['payment.transaction']._cron_post_process()
            self.assertEqual(len(env['account.payment'].search([('payment_transaction_id', '=', tx.id)])), 1)
