import itertools
import json
from urllib.parse import urlsplit

from odoo import Command
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.controllers.telegram import ClickTelegramController
from odoo.addons.payment_click.tests.common import ClickCommon

BOT_TOKEN = '7000000001:AAFakeBotTokenForTests_0123456789'
PROVIDER_TOKEN = '398062629:TEST:999999999_FakeClickTelegram'
TOTAL = 1500000  # 15,000 so'm in tiyin

MUTE_TELEGRAM = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                            'odoo.addons.payment_click.models.payment_transaction_telegram',
                            'odoo.addons.payment_click.models.payment_transaction_fiscal',
                            'odoo.addons.payment_click.controllers.telegram',
                            'odoo.addons.payment_click.click_api.telegram',
                            'odoo.addons.payment_click.emulator.controllers.telegram')


def enable_telegram(provider, **values):
    """Give the Click provider in test mode a bot and the Telegram method; return the method."""
    method = provider.env.ref('payment_click.payment_method_click_telegram')
    provider.write({
        'click_telegram_bot_token': BOT_TOKEN,
        'click_telegram_provider_token': PROVIDER_TOKEN,
        'payment_method_ids': [Command.link(method.id)],
        **values,
    })
    method.active = True
    return method


def connect_telegram(provider):
    """Connect the provider's bot to the emulated Telegram, over HTTP, as Connect Telegram bot does."""
    provider.env.flush_all()
    return provider.action_click_telegram_connect()


class TelegramCommon(AccountPaymentCommon, ClickCommon):
    """A Click provider in test mode whose bot is connected to the emulated Telegram, over HTTP through the
    provider's own Bot API client, a posted invoice in so'm, and Telegram's updates posted to the real
    webhook route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.telegram_method = enable_telegram(cls.click, journal_id=cls.company_data['default_journal_bank'].id)
        cls.numbers = itertools.count(1)

    def setUp(self):
        super().setUp()
        connect_telegram(self.click)
        self.invoice = self._invoice()

    def _invoice(self, amount=15000.0, currency=None):
        return self.init_invoice('out_invoice', partner=self.partner, amounts=[amount],
                                 currency=currency or self.currency, post=True)

    # === The emulated Telegram === #

    def _bot_api(self, method, token=BOT_TOKEN, **body):
        """Call the emulated Bot API as a bot does; return the HTTP status and Telegram's answer."""
        self.env.flush_all()
        response = self.opener.post(self._build_url(f'/payment/click/emulator/telegram/bot{token}/{method}'), json=body)
        return response.status_code, response.json()

    def _set_telegram_fault(self, fault):
        self.env['payment.click.emulator.service']._of(self.click).telegram_fault = fault
        self.env.flush_all()

    def _emulated_bot(self):
        return self.env['payment.click.emulator.telegram.bot'].search([('token', '=', BOT_TOKEN)])

    def _emulated_invoice(self, tx):
        """The invoice the emulated Telegram holds for the link of ``tx``."""
        slug = tx.click_telegram_link.rsplit('/', 1)[-1]
        return self.env['payment.click.emulator.telegram.invoice'].search([('slug', '=', slug)])

    def _emulated_invoices(self):
        return self.env['payment.click.emulator.telegram.invoice'].search([])

    # === Links and payments === #

    def _telegram_tx(self, invoice, reference=None, **values):
        """A Telegram payment of the invoice, with its link created by the emulated Telegram (pending)."""
        tx = self._create_transaction(
            'redirect', reference=reference or f'{invoice.name.replace("/", "-")}-{next(self.numbers)}',
            payment_method_id=self.telegram_method.id, amount=invoice.amount_residual,
            invoice_ids=[Command.set(invoice.ids)], **values,
        )
        self.env.flush_all()
        tx._click_telegram_create_link()
        return tx

    def _payload(self, tx):
        """The payload the bot's invoice link of ``tx`` carries, as Telegram got it."""
        return self._emulated_invoice(tx).payload

    def _send_link(self, invoice=None):
        invoice = invoice or self.invoice
        self.env.flush_all()
        invoice.action_click_telegram_send_link()
        return invoice.transaction_ids.filtered(lambda tx: tx.payment_method_id == self.telegram_method)

    def _sheet_path(self, tx):
        link = urlsplit(tx.click_telegram_link)
        self.assertEqual(f'{link.scheme}://{link.netloc}', self.base_url(), "the link leads to this server")
        return link.path

    def _pay_in_telegram(self, tx, language='en'):
        """Open the link's payment sheet, press Pay, let Telegram play the payment, and return the sheet."""
        path = self._sheet_path(tx)
        self.env.flush_all()
        sheet = self.opener.get(self._build_url(path), params={'language': language})
        self.assertEqual(sheet.status_code, 200)
        self.assertIn('o_tg_pay', sheet.text)
        self.opener.post(self._build_url(path), data={'language': language})
        self._wait_for_click()
        return self.opener.get(self._build_url(path), params={'language': language}).text

    # === Telegram's updates, posted to the webhook === #

    def _post_update(self, update, secret=True, provider=None):
        """Post an update to the webhook as Telegram does: with the bot's secret header, another one, or
        none (``secret=None``)."""
        provider = provider or self.click
        headers = {'Content-Type': 'application/json'}
        if secret is True:
            secret = provider.click_telegram_webhook_secret
        if secret is not None:
            headers['X-Telegram-Bot-Api-Secret-Token'] = secret
        self.env.flush_all()
        response = self.url_open(
            f'{ClickTelegramController._webhook_url}/{provider.id}',
            data=json.dumps({'update_id': next(self.numbers), **update}), headers=headers,
        )
        self.env.invalidate_all()
        return response

    def _send_pre_checkout_query(self, tx, language_code='en'):
        """The payer presses Pay on the sheet of ``tx``'s link: the emulated Telegram's pre_checkout_query,
        not yet delivered."""
        invoice = self._emulated_invoice(tx)
        self.assertTrue(invoice._start_paying(language_code), "the sheet takes the payer's Pay")
        return invoice._send_pre_checkout_query()

    def _pre_checkout(self, tx, payload=None, total_amount=TOTAL, currency='UZS', language_code='en'):
        """Post the pre_checkout_query the emulated Telegram asks for ``tx``'s link, with these values; return
        the bot's answer as the emulated Telegram recorded it."""
        update = self._send_pre_checkout_query(tx, language_code)
        query = update['pre_checkout_query']
        query.update(currency=currency, total_amount=total_amount, invoice_payload=payload or self._payload(tx))
        query['from']['language_code'] = language_code
        response = self._post_update(update)
        self.assertEqual(response.status_code, 200)
        invoice = self._emulated_invoice(tx)
        self.assertIn(invoice.query_state, ('ok', 'refused'), "the bot answers the query in time")
        answer = {'pre_checkout_query_id': invoice.query_id, 'ok': invoice.query_state == 'ok'}
        return answer if answer['ok'] else dict(answer, error_message=invoice.error_message)

    def _pay(self, payload, total_amount, charge='tg-charge-1', provider_charge='click-charge-1', currency='UZS'):
        """Post the successful_payment Telegram sends once the payer paid."""
        response = self._post_update({'message': {
            'message_id': 7, 'date': 1764900000, 'chat': {'id': 1001, 'type': 'private'},
            'from': {'id': 1001, 'is_bot': False, 'first_name': "Aziz"},
            'successful_payment': {
                'currency': currency, 'total_amount': total_amount, 'invoice_payload': payload,
                'telegram_payment_charge_id': charge, 'provider_payment_charge_id': provider_charge,
            },
        }})
        self.assertEqual(response.status_code, 200)
        return response

    # === Outcomes === #

    def _assert_paid_once(self, tx):
        self.assertEqual(tx.state, 'done')
        with MUTE_TELEGRAM:  # the fiscal receipt of a payment in Telegram is the cash register's: a warning
            tx._post_process()
        self.assertEqual(tx.payment_id.amount, 15000.0)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.assertEqual(len(self.invoice.transaction_ids.filtered(lambda t: t.state == 'done')), 1)
        self.assertEqual(len(self.env['account.payment'].search([('payment_transaction_id', '=', tx.id)])), 1)
        emulated_invoice = self._emulated_invoice(tx)
        self.assertEqual((tx.click_telegram_charge_id, tx.click_telegram_provider_charge_id),
                         (emulated_invoice.telegram_charge_id, emulated_invoice.provider_charge_id))
        self.assertNotIn('None', tx.click_telegram_charge_id)

    def _assert_nothing_paid(self, tx):
        self.assertNotEqual(tx.state, 'done')
        self.assertFalse(tx.payment_id)
        self.assertEqual(self.invoice.payment_state, 'not_paid')
