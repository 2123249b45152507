"""The back office's side of Telegram payments: the bot's settings and connection, its go-live checks,
payment links, and what Odoo leaves to Click's cabinet and the cash register after a payment."""
import json
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.tests.common_telegram import (
    BOT_TOKEN,
    MUTE_TELEGRAM,
    PROVIDER_TOKEN,
    TOTAL,
    TelegramCommon,
    connect_telegram,
)

SECRETS = ('click_telegram_bot_token', 'click_telegram_provider_token', 'click_telegram_webhook_secret')
REVOKED_TOKEN = '7000000002:Revoked'  # a token Telegram does not know: getMe answers 401


@tagged('post_install', '-at_install')
class TestTelegramBackOffice(TelegramCommon):

    # === Settings and connection === #

    def test_the_secrets_are_for_system_admins_only(self):
        accountant = self._create_new_internal_user(login='tg_accountant', groups='account.group_account_manager')
        for field_name in SECRETS:
            with self.subTest(field=field_name):
                self.assertEqual(self.click._fields[field_name].groups, 'base.group_system')
                with self.assertRaises(AccessError):
                    self.click.with_user(accountant).read([field_name])

    def test_neutralization_blanks_the_secrets(self):
        self.env.cr.execute('\n'.join(get_neutralization_queries(['payment_click'])))
        self.click.invalidate_recordset()
        for field_name in SECRETS:
            self.assertFalse(self.click[field_name], field_name)

    @MUTE_TELEGRAM
    def test_connect_checks_the_token_and_sets_the_webhook_with_a_new_secret(self):
        previous_secret = self.click.click_telegram_webhook_secret
        action = connect_telegram(self.click)
        secret = self.click.click_telegram_webhook_secret
        self.assertNotEqual(secret, previous_secret, "each connection has a new secret")
        self.assertGreaterEqual(len(secret), 32)
        bot = self._emulated_bot()
        self.assertEqual((bot.webhook_url, bot.webhook_secret, json.loads(bot.allowed_updates)), (
            self.click._click_telegram_webhook_url(), secret, ['message', 'pre_checkout_query'],
        ))
        self.assertTrue(self.click._click_telegram_webhook_url().endswith(
            f'/payment/click/telegram/webhook/{self.click.id}'))
        self.assertEqual(self.click.click_telegram_bot_username, bot.username, "the name getMe gave")
        self.assertIn(f"@{bot.username}", action['params']['message'])

    @MUTE_TELEGRAM
    def test_a_refused_token_is_said_and_keeps_the_connection(self):
        connection = {'click_telegram_webhook_secret': 'Webhook-Secret_0123456789',
                      'click_telegram_bot_username': 'shop_bot'}
        self.click.write(dict(connection, click_telegram_bot_token=REVOKED_TOKEN))
        with self.assertRaisesRegex(UserError, "Telegram refused getMe: Unauthorized") as caught:
            connect_telegram(self.click)
        self.assertNotIn(REVOKED_TOKEN, str(caught.exception))
        self.assertFalse(self.env['payment.click.emulator.telegram.bot'].search([('token', '=', REVOKED_TOKEN)]),
                         "Telegram knows no such bot, whose webhook was not set")
        self.assertEqual(self.click.read(list(connection))[0], dict(connection, id=self.click.id))

    def test_a_new_token_forgets_the_connection(self):
        self.click.click_telegram_bot_token = BOT_TOKEN  # unchanged: still connected
        self.assertEqual(self.click.click_telegram_bot_username, self._emulated_bot().username)
        self.click.click_telegram_bot_token = '7000000002:AnotherBot'
        self.assertFalse(self.click.click_telegram_bot_username)
        self.assertFalse(self.click.click_telegram_webhook_secret)

    # === Go-live checks === #

    def _check_notes(self, public_url='https://shop.example.uz'):
        """The Telegram checks of the self-test: whether each passed, else its advice in words. Telegram's
        are asked of the emulated Telegram on this server; the address check is of ``public_url``."""
        self.env.flush_all()
        outcomes = self.click._click_telegram_checks()
        parameters = self.env['ir.config_parameter']
        base_url = parameters.get_param('web.base.url')
        parameters.set_param('web.base.url', public_url)
        outcomes['telegram_https'] = self.click._click_settings_checks()['telegram_https']
        parameters.set_param('web.base.url', base_url)
        return {code: (passed, passed or messages.self_test_advice(self.env, advice))
                for code, (passed, advice) in outcomes.items()}

    @MUTE_TELEGRAM
    def test_the_self_test_checks_the_bot_and_its_webhook(self):
        url = self.click._click_telegram_webhook_url()
        self.assertEqual(self._check_notes(), {code: (True, True) for code in (
            'telegram_bot', 'telegram_webhook', 'telegram_https')})

        self._bot_api('setWebhook', url='https://old.example.uz/hook')  # the bot was connected elsewhere
        passed, note = self._check_notes()['telegram_webhook']
        self.assertFalse(passed)
        self.assertIn(f"https://old.example.uz/hook, not to {url.rsplit('/', 1)[0]}/", note)

        self._bot_api('setWebhook', url=url, secret_token=self.click.click_telegram_webhook_secret)
        self._emulated_bot()._record_delivery(403)  # Telegram could not deliver an update
        passed, note = self._check_notes()['telegram_webhook']
        self.assertIn("(Wrong response from the webhook: 403)", note)

        self.click.click_telegram_bot_token = REVOKED_TOKEN
        notes = self._check_notes()
        self.assertFalse(notes['telegram_bot'][0])
        self.assertIn("Telegram did not accept the bot: Telegram refused getMe: Unauthorized", notes['telegram_bot'][1])
        self.assertIn("Not checked", notes['telegram_webhook'][1])

    def test_the_self_test_requires_https_on_a_port_telegram_delivers_to(self):
        self.env['ir.config_parameter'].set_param('web.base.url', 'http://shop.example.uz:8069')
        passed, advice = self.click._click_settings_checks()['telegram_https']
        self.assertEqual((passed, advice['problems']), (False, ['https', 'port']))
        note = messages.self_test_advice(self.env, advice)
        self.assertIn("Telegram delivers to https addresses only; Telegram delivers to ports 443, 80, 88", note)

    def test_a_provider_without_a_bot_passes_the_telegram_checks_without_asking_telegram(self):
        self.click.click_telegram_bot_token = False
        # Telegram is unreachable at this address: a check that asked it would fail.
        self.env['ir.config_parameter'].set_param('web.base.url', 'http://localhost:1')
        self.assertEqual({code: passed for code, (passed, _advice) in self._check_notes('http://localhost').items()},
                         {'telegram_bot': True, 'telegram_webhook': True, 'telegram_https': True})

    # === Payment links === #

    def test_checkout_offers_telegram_only_with_a_connected_bot(self):
        def offered():
            return self.telegram_method in self.env['payment.method']._get_compatible_payment_methods(
                self.click.ids, self.partner.id, currency_id=self.currency.id,
            )
        self.assertTrue(offered())
        self.click.click_telegram_bot_token = '7000000002:AnotherBot'  # not connected yet
        self.assertFalse(offered())

    @MUTE_TELEGRAM
    def test_a_link_is_created_in_tiyin_kept_pending_and_created_once(self):
        invoice = self._invoice(amount=15000.5)
        tx = self._telegram_tx(invoice)
        link = tx.click_telegram_link
        emulated = self._emulated_invoice(tx)
        self.assertEqual((tx.state, link), ('pending', self._build_url(f'/payment/click/emulator/telegram/pay/'
                                                                       f'{emulated.slug}')))
        self.assertEqual((emulated.bot_id, emulated.chat_id), (self._emulated_bot(), False), "a link, by the bot")
        self.assertEqual((emulated.currency, emulated.total), ('UZS', 1500050))
        self.assertEqual(emulated.sudo().provider_token, PROVIDER_TOKEN)
        self.assertEqual(emulated.title, invoice.name)
        self.assertIn(invoice.name, emulated.description)
        self.assertTrue(emulated.payload.startswith(f'{tx.reference}.'))
        self.assertLessEqual(len(emulated.payload.encode()), 128)
        self.assertEqual(tx._click_telegram_create_link(), link)
        self.assertEqual(self._emulated_invoices(), emulated, "a payment has one link")
        self.assertEqual(tx._get_specific_rendering_values({}), {'telegram_link': link})

    @MUTE_TELEGRAM
    def test_a_document_in_another_currency_gets_no_link(self):
        tx = self._create_transaction('redirect', reference='USD-1', payment_method_id=self.telegram_method.id)
        tx.currency_id = self.env.ref('base.USD')
        with self.assertRaisesRegex(UserError, r"Uzbek so'm \(UZS\) only, and this payment is in USD"):
            tx._click_telegram_create_link()
        self.assertFalse(self._emulated_invoices())
        self.assertFalse(tx.click_telegram_link)

    @MUTE_TELEGRAM
    def test_no_link_without_an_enabled_provider_a_bot_or_anything_left_to_pay(self):
        invoice = self._invoice()
        tx = self._create_transaction('redirect', reference='REFUSED-1', payment_method_id=self.telegram_method.id,
                                      invoice_ids=[(6, 0, invoice.ids)])
        self.click.click_telegram_provider_token = False
        with self.assertRaisesRegex(UserError, "No Telegram bot is set up"):
            tx._click_telegram_create_link()
        self.click.click_telegram_provider_token = PROVIDER_TOKEN
        tx.amount = 20000.0
        with self.assertRaisesRegex(UserError, "is left to pay on what REFUSED-1 pays; no Telegram payment link"):
            tx._click_telegram_create_link()
        self.click.state = 'disabled'
        with self.assertRaisesRegex(UserError, "is disabled"):
            tx._click_telegram_create_link()
        self.assertFalse(self._emulated_invoices())

    @MUTE_TELEGRAM
    def test_telegrams_refusal_is_said_and_nothing_is_kept(self):
        self.click.click_telegram_provider_token = '398062629:LIVE:999999999'  # a live terminal in test mode
        with self.assertRaisesRegex(UserError, "Telegram did not create the payment link .*PAYMENT_PROVIDER_INVALID"):
            self._telegram_tx(self.invoice, reference='REFUSED-2')
        tx = self.env['payment.transaction'].search([('reference', '=', 'REFUSED-2')])
        self.assertEqual((tx.state, tx.click_telegram_link), ('draft', False))

    # === After the payment === #

    def _paid_tx(self):
        invoice = self._invoice()
        tx = self._telegram_tx(invoice)
        self._pay(self._payload(tx), TOTAL)
        tx._post_process()
        return invoice, tx

    @MUTE_TELEGRAM
    def test_a_telegram_payment_is_refunded_in_clicks_cabinet(self):
        _invoice, tx = self._paid_tx()
        with self.assertRaisesRegex(UserError, r"Refund it in Click's merchant cabinet \(my.click.uz\)"):
            tx._send_refund_request()
        self.assertFalse(tx.child_transaction_ids)
        self.assertEqual(tx.payment_id.amount_available_for_refund, 0, "core's Refund button is hidden")

    @MUTE_TELEGRAM
    def test_check_with_click_does_not_ask_clicks_merchant_api(self):
        tx = self._telegram_tx(self._invoice())
        with patch.object(type(self.click), '_click_get_merchant_client', side_effect=AssertionError("asked Click")):
            action = tx.action_click_sync_status()
            self.env['payment.transaction']._cron_click_sync_status()
            tx._click_check_for_waiting_customer()
        self.assertIn("is paid in Telegram", action['params']['message'])
        self.assertEqual(tx.state, 'pending')

    @MUTE_TELEGRAM
    def test_the_fiscal_receipt_is_issued_from_the_cash_register(self):
        invoice, tx = self._paid_tx()
        self.assertEqual(tx.click_receipt_state, 'failed')
        activity = invoice.activity_ids.filtered(lambda a: a.summary == "Click fiscal receipt failed")
        self.assertIn("Issue this receipt from your cash register", str(activity.note))
        self.assertIn("tg-charge-1", str(activity.note))
        with patch.object(type(self.click), '_click_get_merchant_client', side_effect=AssertionError("asked Click")):
            tx._click_attach_fiscal_receipt('https://ofd.soliq.uz/epi?t=EZ000000000030&r=1')
        self.assertEqual(tx.click_receipt_state, 'done')
        self.assertFalse(invoice.activity_ids.filtered(lambda a: a.summary == "Click fiscal receipt failed"))
