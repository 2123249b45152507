"""The payer's Pay pressed twice at once on the emulated Telegram sheet (two tabs, a double tap), on separate
database connections as on several Odoo workers: one payment starts."""
from functools import partial

from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.payment_click.emulator import telegram
from odoo.addons.payment_click.tests.common import ClickCommittedCase

RACERS = 3


@tagged('post_install', '-at_install')
class TestTelegramSheetRace(ClickCommittedCase):

    def setUp(self):
        super().setUp()
        provider_id = self._committed_provider("Click (Telegram sheet race)", '990031', 'RACE_SHEET')
        with self._committed_env() as env:
            provider = env['payment.provider'].browse(provider_id)
            provider.click_telegram_bot_token = '7000000004:AAraceBotTokenOfTheClickEmulator_04'
            bot = env['payment.click.emulator.telegram.bot']._of_token(provider.click_telegram_bot_token)
            invoice = env['payment.click.emulator.telegram.invoice']._create_for(bot, telegram.InvoiceRequest(
                "INV-RACE", "A race", "payload", '398062629:TEST:race', 'UZS', 1500000,
            ))
            self.invoice_id = invoice.id  # removed with the provider, its bot and its invoices

    def _press_pay(self, start):
        """What one worker does with one Pay: its own cursor, Odoo's retry loop, a commit."""
        with self._committed_env() as env:
            invoice = env['payment.click.emulator.telegram.invoice'].browse(self.invoice_id)
            start()
            return retrying(partial(invoice._start_paying, 'en'), env)

    @mute_logger('odoo.sql_db', 'odoo.service.model')  # the losers' serialization failures, replayed
    def test_pay_pressed_at_once_starts_one_payment(self):
        outcomes = self._race_threads([self._press_pay] * RACERS)
        self.assertEqual(sorted(outcomes), [False] * (RACERS - 1) + [True])
        with self._committed_env() as env:
            self.assertEqual(env['payment.click.emulator.telegram.invoice'].browse(self.invoice_id).state, 'paying')
