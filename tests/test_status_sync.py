"""The status sync asks Click about the payment Odoo knows, by its payment id; by reference only when
no payment id is known. Played by the test-mode emulator over HTTP."""
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.click_api.shop_client import CANCELLED_BY_CLICK
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import ClickInvoiceCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.models.payment_transaction_click_pass',
                   'odoo.addons.payment_click.emulator.controllers.main',
                   'odoo.addons.payment_click.emulator.controllers.merchant',
                   'odoo.addons.payment_click.click_api.merchant')


@tagged('post_install', '-at_install')
class TestStatusSync(AccountPaymentCommon, ClickInvoiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.write({
            'journal_id': cls.company_data['default_journal_bank'].id, 'click_pass_cashbox_code': 'KASSA-1',
        })

    def setUp(self):
        super().setUp()
        self.invoice = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[15000.0],
                                         currency=self.currency, post=True)

    def _on_the_emulator(self, tx, outcome):
        """Press Pay or Decline on the emulated Click page, and wait for Click's calls to Odoo to end."""
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        response = self.opener.post(button['action'], data=dict(button['inputs'], outcome=outcome),
                                    allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self._wait_for_click()

    def _emulated(self, tx):
        return self.env['payment.click.emulator.payment'].search([('merchant_trans_id', '=', tx.reference)],
                                                                 order='id')

    def _two_attempts_whose_completes_were_lost(self):
        """A declined attempt, then one Click debited; neither Complete reached Odoo."""
        self._set_emulator_fault('drop_complete')
        tx = self._create_click_tx(reference='INV-RETRY', invoice_ids=[self.invoice.id])
        self._on_the_emulator(tx, 'decline')
        self._on_the_emulator(tx, 'pay')
        failed, debited = self._emulated(tx)
        self.assertEqual((failed.payment_status, debited.payment_status), (CANCELLED_BY_CLICK, 2))
        self.assertEqual((tx.state, tx.provider_reference), ('draft', debited.payment_id),
                         "Odoo holds the latest attempt's payment id")
        tx.click_prepare_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        return tx, failed, debited

    # === The emulator can answer with the oldest attempt === #

    @MUTE
    def test_the_emulator_can_answer_by_reference_with_the_oldest_attempt(self):
        tx, failed, debited = self._two_attempts_whose_completes_were_lost()
        client = self.click._click_get_merchant_client()
        today = fields.Datetime.context_timestamp(tx.with_context(tz=const.CLICK_TIMEZONE), tx.create_date).date()
        self.assertEqual(client.payment_status_by_mti(tx.reference, today)['payment_id'], int(debited.payment_id))
        self._set_emulator_fault('oldest_attempt')
        self.assertEqual(client.payment_status_by_mti(tx.reference, today)['payment_id'], int(failed.payment_id))

    @MUTE
    def test_a_payment_cancelled_from_clicks_status_never_quotes_the_calls_success(self):
        """Click's answer says "Success" of the call itself, not of the payment: the reason shown
        for a payment the status sync cancels says where the status came from instead."""
        self._set_emulator_fault('drop_complete')
        tx = self._create_click_tx(reference='INV-DECLINED', invoice_ids=[self.invoice.id])
        self._on_the_emulator(tx, 'decline')
        self.assertEqual(tx.state, 'draft', "the Complete was lost")
        tx._click_sync_status()
        self.assertEqual(tx.state, 'cancel')
        self.assertIn("as Click's payment status reports", tx.state_message)
        self.assertNotIn('Success', tx.state_message)

    # === By payment id === #

    @MUTE
    def test_a_payment_a_later_attempt_debited_is_recorded_though_an_earlier_attempt_failed(self):
        tx, _failed, debited = self._two_attempts_whose_completes_were_lost()
        self._set_emulator_fault('oldest_attempt')  # Click answers by reference with the failed attempt
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'done', "Click debited the latest attempt")
        self.assertEqual(tx.provider_reference, debited.payment_id)
        tx._post_process()
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))

    @MUTE
    def test_check_with_click_asks_about_the_payment_odoo_holds(self):
        tx, _failed, debited = self._two_attempts_whose_completes_were_lost()
        self._set_emulator_fault('oldest_attempt')
        message = tx.action_click_sync_status()['params']['message']
        self.assertEqual(tx.state, 'done')
        self.assertIn(tx.reference, message)

    @MUTE
    def test_an_answer_about_another_payment_never_cancels(self):
        tx, failed, debited = self._two_attempts_whose_completes_were_lost()
        data = {'source': 'status', 'reference': tx.reference, 'provider_id': tx.provider_id.id,
                'payment_id': int(failed.payment_id), 'payment_status': CANCELLED_BY_CLICK}
        tx._handle_notification_data('click', data)
        self.assertEqual(data['answer'], ShopError.TRANSACTION_DOES_NOT_EXIST, "an earlier attempt: not applied")
        self.assertEqual((tx.state, tx.provider_reference), ('draft', debited.payment_id))
        tx._handle_notification_data('click', dict(data, payment_id=int(debited.payment_id), payment_status=2))
        self.assertEqual(tx.state, 'done')
        tx._handle_notification_data('click', data)
        self.assertEqual(data['answer'], ShopError.TRANSACTION_DOES_NOT_EXIST)
        self.assertEqual((tx.state, tx.provider_reference), ('done', debited.payment_id), "stays paid")

    @MUTE
    def test_the_status_sync_enters_through_the_door(self):
        tx, _failed, debited = self._two_attempts_whose_completes_were_lost()
        with self._door() as sources:
            self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(sources, ['status'])
        self.assertEqual((tx.state, tx.provider_reference), ('done', debited.payment_id))
        self.assertNotEqual(tx.click_trans_id, debited.payment_id, "click_trans_id is Click's, from the Prepare")

    # === By reference, when no payment id is known === #

    @MUTE
    def test_a_click_pass_charge_whose_answer_was_lost_is_found_by_reference(self):
        """Click charged, but its answer came after the client gave up: Odoo knows no payment id."""
        response = self.url_open(ClickEmulatorController._app_url, data={'pass_outcome': 'pay'})
        otp = re.search(r'name="otp_data">(\d{13})<', response.text).group(1)
        self._set_emulator_fault('slow')
        wizard_model = self.env['payment.click.pass.wizard']
        context = wizard_model._action_open(self.invoice)['context']
        try:
            wizard_model.with_context(**context).create({'otp_data': otp}).action_charge()
        finally:
            self._wait_remaining_requests(timeout=const.MERCHANT_API_TIMEOUT[1] + 5)
        tx = self.invoice.transaction_ids
        self.assertEqual((tx.state, tx.provider_reference), ('pending', False), "the answer was lost")
        self.assertEqual(self._emulated(tx).payment_status, 2, "Click charged")
        self._set_emulator_fault('none')
        tx.click_charge_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual((tx.state, tx.provider_reference), ('done', self._emulated(tx).payment_id))
