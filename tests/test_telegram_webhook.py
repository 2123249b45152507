"""Telegram's updates over the real webhook route: pre-checkout answers, payments through the door,
redeliveries, double payments and forged or unauthenticated updates."""
import logging
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api import telegram
from odoo.addons.payment_click.click_api.telegram import Refusal
from odoo.addons.payment_click.tests.common_telegram import BOT_TOKEN, MUTE_TELEGRAM, TOTAL, TelegramCommon


@tagged('post_install', '-at_install')
class TestTelegramWebhook(TelegramCommon):

    def setUp(self):
        super().setUp()
        self.tx = self._telegram_tx(self.invoice)
        self.payload = self._payload(self.tx)

    def assertRefused(self, answer, refusal):
        self.assertFalse(answer['ok'], answer)
        self.assertEqual(answer['error_message'], messages.telegram_refusal(self.env, refusal))

    # === Pre-checkout === #

    @MUTE_TELEGRAM
    def test_a_payable_payment_is_accepted(self):
        answer = self._pre_checkout(self.tx)
        self.assertEqual(answer, {'pre_checkout_query_id': self._emulated_invoice(self.tx).query_id, 'ok': True})
        self.assertEqual(self._emulated_invoice(self.tx).bot_id, self._emulated_bot(), "answered as the bot")
        self.assertEqual(self.tx.state, 'pending', "a pre-checkout query moves no money")

    @MUTE_TELEGRAM
    def test_a_disabled_provider_refuses(self):
        self.click.state = 'disabled'
        self.assertRefused(self._pre_checkout(self.tx), Refusal.DISABLED)

    @MUTE_TELEGRAM
    def test_a_forged_or_unknown_payload_is_refused(self):
        forged = self.payload.replace(self.tx.reference, 'INV-2099-00001-1')
        self.assertRefused(self._pre_checkout(self.tx, forged), Refusal.UNKNOWN)
        unknown = telegram.sign_payload(self.click._click_telegram_payload_secret(), 'NO-SUCH-PAYMENT')
        self.assertRefused(self._pre_checkout(self.tx, unknown), Refusal.UNKNOWN)
        other_provider = telegram.sign_payload('another key', self.tx.reference)
        self.assertRefused(self._pre_checkout(self.tx, other_provider), Refusal.UNKNOWN)

    @MUTE_TELEGRAM
    def test_another_currency_is_refused(self):
        self.assertRefused(self._pre_checkout(self.tx, currency='USD'), Refusal.CURRENCY)

    @MUTE_TELEGRAM
    def test_another_amount_is_refused(self):
        self.assertRefused(self._pre_checkout(self.tx, total_amount=TOTAL - 100), Refusal.AMOUNT)

    @MUTE_TELEGRAM
    def test_more_than_is_left_to_pay_is_refused(self):
        other = self._telegram_tx(self.invoice)
        self._pay(self._payload(other), TOTAL, charge='tg-other')
        self.assertEqual(other.state, 'done')
        self.assertRefused(self._pre_checkout(self.tx), Refusal.TOO_MUCH)

    @MUTE_TELEGRAM
    def test_a_payment_no_longer_waiting_is_refused(self):
        self.tx._set_canceled()
        self.assertRefused(self._pre_checkout(self.tx), Refusal.NOT_PAYABLE)

    @MUTE_TELEGRAM
    def test_a_cancelled_invoice_is_refused(self):
        self.invoice.button_cancel()
        self.assertRefused(self._pre_checkout(self.tx), Refusal.NOT_PAYABLE)

    @MUTE_TELEGRAM
    def test_the_refusal_is_in_the_payers_language(self):
        words = messages.telegram_refusal
        cases = [('uz', 'en_US', "inactive here")]
        cases += [('ru', 'ru_RU', ''), ('uz-UZ', 'uz_UZ', ''), ('en-GB', 'en_US', ''), ('de', 'en_US', '')]
        for code, lang, why in cases:
            if not why:
                self.env['res.lang']._activate_lang('ru_RU')
                self.env['res.lang']._activate_lang('uz_UZ')
            with self.subTest(code=code, why=why), patch.object(messages, 'telegram_refusal', autospec=True,
                                                                side_effect=words) as spy:
                answer = self._pre_checkout(self.tx, total_amount=TOTAL - 100, language_code=code)
                self.assertEqual(spy.call_args.args[0].lang, lang)
                self.assertEqual(answer['error_message'], words(self.env(context={'lang': lang}), Refusal.AMOUNT),
                                 "Telegram shows the payer the refusal in their language")

    # === The payment === #

    @MUTE_TELEGRAM
    def test_a_payment_enters_through_the_door_and_a_redelivery_changes_nothing(self):
        with self._door() as sources:
            self._pay(self.payload, TOTAL)
        self.assertEqual(sources, ['telegram'])
        self.assertEqual(
            (self.tx.state, self.tx.click_telegram_charge_id, self.tx.click_telegram_provider_charge_id),
            ('done', 'tg-charge-1', 'click-charge-1'),
        )
        last_change = self.tx.last_state_change
        messages_before = self.invoice.message_ids
        self._pay(self.payload, TOTAL)  # Telegram delivers it again
        self.assertEqual((self.tx.state, self.tx.last_state_change), ('done', last_change))
        self.assertEqual(self.invoice.message_ids, messages_before, "a redelivery leaves no trace")
        self.assertFalse(self.invoice.activity_ids)
        self.tx._post_process()
        self.assertEqual(len(self.tx.payment_id), 1)
        self.assertEqual(self.invoice.payment_state, self.invoice._get_invoice_in_payment_state())

    @MUTE_TELEGRAM
    def test_a_second_payment_of_the_same_link_gets_the_accountant_a_todo(self):
        self._pay(self.payload, TOTAL)
        self._pay(self.payload, TOTAL, charge='tg-charge-2', provider_charge='click-charge-2')
        self.assertEqual(self.tx.click_telegram_charge_id, 'tg-charge-1', "the first payment keeps its ids")
        activity = self.invoice.activity_ids
        self.assertEqual(activity.summary, "Click tg-charge-2: check this payment")
        self.assertIn("already paid (Click tg-charge-1): refund it", str(activity.note))

    @MUTE_TELEGRAM
    def test_a_payment_for_a_paid_invoice_gets_the_accountant_a_todo(self):
        other = self._telegram_tx(self.invoice)
        self._pay(self._payload(other), TOTAL, charge='tg-first')
        self._pay(self.payload, TOTAL, charge='tg-second')
        self.assertEqual(self.tx.state, 'done', "the money was taken: recorded, and flagged")
        activity = self.invoice.activity_ids
        self.assertEqual(activity.summary, "Click tg-second: check this payment")
        self.assertIn("which was already paid: refund it", str(activity.note))
        self.assertTrue(self.invoice.message_ids.filtered(lambda m: 'which was already paid' in str(m.body)))

    @MUTE_TELEGRAM
    def test_a_payment_of_another_amount_is_not_recorded_and_flagged(self):
        self._pay(self.payload, TOTAL - 100)
        self.assertEqual(self.tx.state, 'pending')
        self.assertIn("which was not recorded", str(self.invoice.activity_ids.note))

    @MUTE_TELEGRAM
    def test_a_payment_odoo_could_not_apply_is_delivered_again(self):
        with patch.object(type(self.tx), '_set_done', side_effect=ValueError("the database is full")):
            response = self._post_update({'message': {'successful_payment': {
                'currency': 'UZS', 'total_amount': TOTAL, 'invoice_payload': self.payload,
                'telegram_payment_charge_id': 'tg-charge-1', 'provider_payment_charge_id': 'click-charge-1',
            }}})
        self.assertEqual(response.status_code, 500, "not 2xx: Telegram delivers it again")
        self.assertEqual((self.tx.state, self.tx.click_telegram_charge_id), ('pending', False), "nothing half-done")
        self._pay(self.payload, TOTAL)
        self.assertEqual((self.tx.state, self.tx.click_telegram_charge_id), ('done', 'tg-charge-1'))

    @MUTE_TELEGRAM
    def test_a_forged_payment_changes_nothing(self):
        other = self._telegram_tx(self._invoice())
        forged = self.payload.replace(self.tx.reference, other.reference)  # this link's signature, another payment
        with self.assertLogs('odoo.addons.payment_click.models.payment_transaction_telegram', logging.WARNING):
            self._pay(forged, TOTAL)
        self.assertEqual((self.tx.state, other.state), ('pending', 'pending'))

    # === Authentication and what is not handled === #

    def test_a_wrong_secret_changes_nothing_and_telegram_keeps_the_update(self):
        webhook_secret = self.click.click_telegram_webhook_secret
        for secret in ('wrong', None, webhook_secret + 'x', 'ñ'):
            with self.subTest(secret=secret), self.assertLogs(
                'odoo.addons.payment_click.controllers.telegram', logging.WARNING,
            ) as logs:
                response = self._post_update({'message': {
                    'successful_payment': {
                        'currency': 'UZS', 'total_amount': TOTAL, 'invoice_payload': self.payload,
                        'telegram_payment_charge_id': 'tg', 'provider_payment_charge_id': 'click',
                    },
                }}, secret=secret)
            self.assertEqual(response.status_code, 403, "not 2xx: Telegram delivers it again later")
            self.assertNotIn(BOT_TOKEN, '\n'.join(logs.output))
            self.assertNotIn(webhook_secret, '\n'.join(logs.output))
        self.assertEqual((self.tx.state, self.tx.click_telegram_charge_id), ('pending', False))

    def test_a_provider_without_a_secret_refuses_every_update(self):
        self.click.click_telegram_webhook_secret = False
        with self.assertLogs('odoo.addons.payment_click.controllers.telegram', logging.WARNING):
            response = self._post_update({'message': {'text': 'hi'}}, secret='')
        self.assertEqual(response.status_code, 403)

    @MUTE_TELEGRAM
    def test_other_updates_and_junk_are_answered_200(self):
        query_id = self._send_pre_checkout_query(self.tx)['pre_checkout_query']['id']
        for update in ({'message': {'text': '/start'}}, {'edited_message': {}},
                       {'pre_checkout_query': {'id': query_id}},
                       {'message': {'successful_payment': {'total_amount': 'many'}}}):
            with self.subTest(update=update):
                self.assertEqual(self._post_update(update).status_code, 200)
        self.assertEqual(self._emulated_invoice(self.tx).query_state, 'waiting', "a junk query is not answered")
        self.assertEqual(self.tx.state, 'pending')
