from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.payment_click.emulator import telegram as emulated
from odoo.addons.payment_click.tests.common_telegram import MUTE_TELEGRAM, PROVIDER_TOKEN, TelegramCommon


@tagged('post_install', '-at_install')
class TestTelegramEmulator(TelegramCommon):

    def test_bot_api_answers_as_telegram(self):
        """Telegram's shapes: the bot for its token, its webhook, and refusals for what it does not know."""
        status, answer = self._bot_api('getMe')
        self.assertEqual((status, answer['ok'], answer['result']['is_bot']), (200, True, True))
        self.assertEqual(self.click.click_telegram_bot_username, answer['result']['username'])
        status, answer = self._bot_api('getWebhookInfo')
        self.assertEqual(answer['result']['url'], self.click._click_telegram_webhook_url())
        self.assertEqual(answer['result']['allowed_updates'], ['message', 'pre_checkout_query'])
        with MUTE_TELEGRAM:
            unknown = self._bot_api('getMe', token='987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1')
            self.assertEqual(unknown, (401, {'ok': False, 'error_code': 401, 'description': "Unauthorized"}))
            self.assertEqual(self._bot_api('getMe', token='nonsense')[0], 401)
            self.assertEqual(self._bot_api('noSuchMethod')[1]['error_code'], 404)
            status, answer = self._bot_api('createInvoiceLink', title="T", description="D", payload="p",
                                           provider_token=PROVIDER_TOKEN, currency='USD',
                                           prices=[{'label': "T", 'amount': 100}])
            self.assertEqual((status, answer['description']), (400, "Bad Request: CURRENCY_INVALID"))
            status, answer = self._bot_api('answerPreCheckoutQuery', pre_checkout_query_id='42', ok=True)
            self.assertEqual((status, answer['description']), (400, "Bad Request: QUERY_ID_INVALID"))
        status, answer = self._bot_api('sendInvoice', chat_id=700000001, title="Tea", description="Green tea",
                                       payload="p", provider_token=PROVIDER_TOKEN, currency='UZS',
                                       prices=[{'label': "Tea", 'amount': 1500000}])
        self.assertEqual((status, answer['result']['invoice']['total_amount']), (200, 1500000))

    def test_pay_in_telegram(self):
        """The link's payment sheet pays the invoice: the bot accepts the pre-checkout query, Telegram
        reports the payment, and the invoice is paid once."""
        tx = self._send_link()
        self.assertEqual(tx.state, 'pending')
        self.assertEqual(self.invoice.click_telegram_link, tx.click_telegram_link)
        with MUTE_TELEGRAM:
            sheet = self._pay_in_telegram(tx)
        self.assertIn('o_tg_paid', sheet)
        self._assert_paid_once(tx)
        self.assertEqual(self._emulated_invoice(tx).query_state, 'ok')

    def test_refused_payment_is_shown_and_can_be_paid_again(self):
        """The bot refuses a payment that is no longer due: the sheet shows its message in the payer's language,
        and nothing is charged; paying again once it is due pays it."""
        tx = self._send_link()
        tx._set_canceled()
        with MUTE_TELEGRAM, self._door() as sources:
            sheet = self._pay_in_telegram(tx, language='ru')
        emulated_invoice = self._emulated_invoice(tx)
        self.assertEqual((emulated_invoice.state, emulated_invoice.language_code, sources), ('refused', 'ru', []))
        self.assertTrue(emulated_invoice.error_message)
        self.assertIn('o_tg_refused', sheet)
        self.assertIn(emulated_invoice.error_message.replace("'", "&#39;"), sheet)
        self.assertIn('o_tg_pay', sheet, "the payer may press Pay again")
        self._assert_nothing_paid(tx)

    def test_redelivered_payment_pays_once(self):
        """Telegram delivers the successful payment twice: one payment."""
        self._set_telegram_fault('redeliver')
        tx = self._send_link()
        with MUTE_TELEGRAM, self._door() as sources:
            self.assertIn('o_tg_paid', self._pay_in_telegram(tx))
        self.assertEqual(sources, ['telegram', 'telegram'], "the update came twice through the door")
        self._assert_paid_once(tx)

    def test_late_answer_pays_nothing(self):
        """The bot's answer arrives after Telegram's 10 seconds: the payment is cancelled, nothing is paid."""
        self._set_telegram_fault('late_answer')
        tx = self._send_link()
        with MUTE_TELEGRAM, self._door() as sources:
            sheet = self._pay_in_telegram(tx)
        self.assertIn('o_tg_refused', sheet)
        self.assertEqual(sources, [])
        self.assertEqual((self._emulated_invoice(tx).state, self._emulated_invoice(tx).query_state),
                         ('cancelled', 'expired'))
        self._assert_nothing_paid(tx)

    def test_webhook_500_is_retried_and_pays_once(self):
        """The webhook's answer to the payment is lost (HTTP 500 for Telegram): Telegram delivers it again,
        and the invoice is paid once."""
        self._set_telegram_fault('webhook_500')
        tx = self._send_link()
        with MUTE_TELEGRAM, self._door() as sources:
            self.assertIn('o_tg_paid', self._pay_in_telegram(tx))
        self.assertEqual(sources, ['telegram', 'telegram'])
        self._assert_paid_once(tx)
        status, answer = self._bot_api('getWebhookInfo')
        self.assertEqual(answer['result']['last_error_message'], "Wrong response from the webhook: 500")

    def test_wrong_secret_pays_nothing(self):
        """Updates with a wrong secret header change nothing: the pre-checkout query stays unanswered, and
        Telegram cancels the payment after 10 seconds."""
        self._set_telegram_fault('wrong_secret')
        tx = self._send_link()
        with MUTE_TELEGRAM, self._door() as sources, patch.object(emulated, 'PRE_CHECKOUT_TIMEOUT', 2), \
                patch.object(emulated, 'PRE_CHECKOUT_RETRY_DELAY', 1):
            sheet = self._pay_in_telegram(tx)
        self.assertIn('o_tg_refused', sheet)
        self.assertEqual(sources, [])
        self.assertEqual(self._emulated_invoice(tx).state, 'cancelled')
        self._assert_nothing_paid(tx)
        status, answer = self._bot_api('getWebhookInfo')
        self.assertEqual(answer['result']['last_error_message'], "Wrong response from the webhook: 403")

    def test_paid_sheet_pays_once(self):
        """Pay pressed again on a paid sheet starts nothing."""
        tx = self._send_link()
        with MUTE_TELEGRAM:
            self._pay_in_telegram(tx)
            sheet_path = self._sheet_path(tx)
            # The payer presses Pay again on the paid sheet: nothing happens.
            self.opener.post(self._build_url(sheet_path), data={'language': 'en'})
            self._wait_for_click()
        self.assertEqual(self._emulated_invoice(tx).state, 'paid')
        self._assert_paid_once(tx)


@tagged('post_install', '-at_install')
class TestTelegramLinks(TelegramCommon):

    def test_send_links_for_several_invoices(self):
        """Several invoices at once: each payable one gets its link and a note signed by the user; the
        others are named with the reason, nothing crashes."""
        usd_invoice = self.init_invoice('out_invoice', partner=self.partner, amounts=[10.0],
                                        currency=self.env.ref('base.USD'), post=True)
        draft = self.init_invoice('out_invoice', partner=self.partner, amounts=[15000.0], currency=self.currency)
        invoices = self.invoice | usd_invoice | draft
        action = invoices.action_click_telegram_send_link()
        message = action['params']['message']
        self.assertIn(self.invoice.click_telegram_link, message)
        self.assertIn(usd_invoice.display_name, message)
        self.assertIn("so'm (UZS) only", message)
        self.assertIn("not a posted customer invoice", message)
        self.assertEqual(action['params']['type'], 'warning')
        self.assertFalse(usd_invoice.transaction_ids)
        note = self.invoice.message_ids.filtered(lambda m: self.invoice.click_telegram_link in (m.body or ''))
        self.assertEqual(note.author_id, self.env.user.partner_id)
        # Sent again, the same link waits for the same amount.
        link = self.invoice.click_telegram_link
        self.invoice.action_click_telegram_send_link()
        self.assertEqual(self.invoice.click_telegram_link, link)
        self.assertEqual(len(self.invoice.transaction_ids), 1)

    def test_single_refusal_is_a_clear_error(self):
        usd_invoice = self.init_invoice('out_invoice', partner=self.partner, amounts=[10.0],
                                        currency=self.env.ref('base.USD'), post=True)
        with self.assertRaisesRegex(UserError, "so'm"):
            usd_invoice.action_click_telegram_send_link()

    def test_send_by_email(self):
        """The composer opens with the link in the message; sending it leaves the message signed by the user."""
        action = self.invoice.action_click_telegram_send_email()
        composer = self.env['mail.compose.message'].with_context(**action['context']).create({})
        self.assertIn(self.invoice.click_telegram_link, composer.body)
        composer._action_send_mail()
        sent = self.invoice.message_ids.filtered(lambda m: self.invoice.click_telegram_link in (m.body or '')
                                                 and m.message_type == 'comment')
        self.assertTrue(sent)
        self.assertEqual(sent[0].author_id, self.env.user.partner_id)

    def test_sale_order_link_from_the_menu(self):
        """Any document, a sale order too: the menu's window creates its link, which pays it in Telegram."""
        if 'sale.order' not in self.env:
            self.skipTest("sale is not installed")
        pricelist = self.env['product.pricelist'].create({'name': "So'm", 'currency_id': self.currency.id})
        order = self.env['sale.order'].create({
            'partner_id': self.partner.id, 'pricelist_id': pricelist.id,
            'order_line': [(0, 0, {'product_id': self.product_a.id, 'price_unit': 15000.0, 'tax_id': False})],
        })
        order.action_confirm()
        wizard = self.env['payment.click.telegram.link.wizard'].create({'res_model': 'sale.order', 'res_id': order.id})
        wizard.action_create_link()
        tx = order.transaction_ids
        self.assertEqual((wizard.link, tx.amount, tx.state), (tx.click_telegram_link, 15000.0, 'pending'))
        self.assertTrue(order.message_ids.filtered(lambda m: wizard.link in (m.body or '')))
        with MUTE_TELEGRAM:
            self.assertIn('o_tg_paid', self._pay_in_telegram(tx))
        self.assertEqual(tx.state, 'done')
        cancelled = order.copy()
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.env['payment.click.telegram.link.wizard'].create(
                {'res_model': 'sale.order', 'res_id': cancelled.id}).action_create_link()
