"""Status sync and refunds through Click's Merchant API, played by the test-mode emulator over HTTP."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.tests.common import ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.controllers.emulator',
                   'odoo.addons.payment_click.controllers.emulator_merchant',
                   'odoo.addons.payment_click.click_api.merchant')


@tagged('post_install', '-at_install')
class TestMerchantFlows(AccountPaymentCommon, ClickCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']

    def setUp(self):
        super().setUp()
        self.invoice = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[15000.0],
                                         currency=self.currency, post=True)

    def _pay_on_the_emulator(self, tx):
        """Press Pay on the emulated Click page, and wait for Click's calls to Odoo to end."""
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        response = self.opener.post(button['action'], data=dict(button['inputs'], outcome='pay'),
                                    allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self._wait_for_click()

    def _paid_invoice_tx(self):
        tx = self._create_click_tx(reference='INV-PAID', invoice_ids=[self.invoice.id])
        self._pay_on_the_emulator(tx)
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        self.assertTrue(tx.payment_id)
        return tx

    def _credit_note(self, amount=None):
        reversal = self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=self.invoice.ids,
        ).create({'journal_id': self.invoice.journal_id.id, 'reason': "Returned"})
        credit_note = self.env['account.move'].browse(reversal.refund_moves()['res_id'])
        if amount:
            credit_note.invoice_line_ids.price_unit = amount
        credit_note.action_post()
        return credit_note

    def _assert_reconciled_refund(self, refund_tx, credit_note, amount):
        """Click reversed ``amount`` (all of the payment: status -9), and Odoo booked it against the credit note."""
        emulated = self.env['payment.click.emulator.payment'].search(
            [('payment_id', '=', refund_tx.source_transaction_id.provider_reference)])
        self.assertEqual(emulated.reversed_amount, amount, "Click reversed exactly the refund")
        self.assertEqual(emulated.payment_status, -9 if amount == emulated.amount else 2)
        self.assertEqual(refund_tx.state, 'done')
        refund_tx._post_process()
        payment = refund_tx.payment_id
        self.assertEqual(payment.payment_type, 'outbound')
        self.assertEqual(payment.amount, amount)
        self.assertEqual(payment.state, 'paid')
        self.assertIn(credit_note.payment_state, ('paid', 'in_payment'))

    # === Status sync === #

    @MUTE
    def test_a_lost_complete_is_recovered_once(self):
        self._set_emulator_fault('drop_complete')
        tx = self._create_click_tx(reference='INV-LOST', invoice_ids=[self.invoice.id])
        self._pay_on_the_emulator(tx)
        self.assertEqual(tx.state, 'draft', "Click debited, but its Complete never arrived")
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'draft', "too recent: Click may still send Complete")
        tx.click_prepare_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        late = self._click_client().complete(tx.reference, tx.amount, tx.id, click_paydoc_id=tx.provider_reference)
        self.assertAnswer(late, ShopError.ALREADY_PAID)
        self.assertEqual(self.env['account.payment'].search_count([('payment_transaction_id', '=', tx.id)]), 1)
        self.assertFalse(self.env['mail.activity'].search([('res_model', '=', 'account.move'),
                                                           ('res_id', '=', self.invoice.id)]))

    @MUTE
    def test_check_with_click_when_click_cannot_be_reached_changes_nothing(self):
        self._set_emulator_fault('drop_complete')
        tx = self._create_click_tx(reference='INV-LOST', invoice_ids=[self.invoice.id])
        self._pay_on_the_emulator(tx)
        self._set_emulator_fault('http_500')
        with self.assertRaisesRegex(UserError, "500"):
            tx.action_click_sync_status()
        tx.click_prepare_date -= timedelta(hours=1)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'draft', "retried on the next run")
        self._set_emulator_fault('none')
        self.invoice.action_click_sync_status()
        self.assertEqual(tx.state, 'done')

    # === Refunds by reversal === #

    @MUTE
    def test_refund_from_the_payment_reverses_it_at_click(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        wizard = self.env['payment.refund.wizard'].with_context(
            active_model='account.payment', active_id=tx.payment_id.id,
        ).create({})
        self.assertEqual(wizard.amount_to_refund, 15000.0)
        wizard.action_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.amount, -15000.0)
        self._assert_reconciled_refund(refund_tx, credit_note, 15000.0)
        with self.assertRaisesRegex(UserError, "left to reverse"):
            tx._send_refund_request()

    @MUTE
    def test_refund_through_click_from_a_credit_note(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        credit_note.action_click_refund()
        self._assert_reconciled_refund(tx.child_transaction_ids, credit_note, 15000.0)

    @MUTE
    def test_a_partial_refund_needs_clicks_partial_reversal(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note(amount=5000.0)
        with self.assertRaisesRegex(UserError, "in full only"):
            credit_note.action_click_refund()
        self.assertFalse(tx.child_transaction_ids)
        self.click.click_partial_refund = True
        self.assertEqual(self.click.support_refund, 'partial')
        credit_note.action_click_refund()
        self._assert_reconciled_refund(tx.child_transaction_ids, credit_note, 5000.0)
        with self.assertRaises(UserError):
            credit_note.action_click_refund()  # the credit note is paid: nothing is reversed twice
        self.assertEqual(len(tx.child_transaction_ids), 1)

    @MUTE
    def test_last_months_payment_is_not_reversed(self):
        tx = self._paid_invoice_tx()
        tx.last_state_change = fields.Datetime.now() - timedelta(days=40)
        with self.assertRaisesRegex(UserError, "current month.*bank transfer"):
            self._credit_note().action_click_refund()
        self.assertFalse(tx.child_transaction_ids)

    @MUTE
    def test_a_refund_click_refuses_leaves_nothing_done(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        self._set_emulator_fault('business_error')
        with self.assertRaisesRegex(UserError, "Emulated refusal"):
            credit_note.action_click_refund()
        self.assertFalse(tx.child_transaction_ids)
        self.assertEqual(credit_note.payment_state, 'not_paid')

    @MUTE
    def test_a_reversal_whose_answer_was_lost_warns_against_refunding_again(self):
        """Click may have reversed it: telling the user to refund by bank transfer could refund twice."""
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        self._set_emulator_fault('http_500')
        with self.assertRaises(UserError) as caught:
            credit_note.action_click_refund()
        self.assertIn("did not say whether it reversed", str(caught.exception))
        self.assertIn("merchant cabinet", str(caught.exception))
        self.assertNotIn("bank transfer", str(caught.exception))
        self.assertFalse(tx.child_transaction_ids)

    @MUTE
    def test_refunding_several_credit_notes_goes_on_past_a_failure(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        paid_by_bank = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[7000.0],
                                         currency=self.currency, post=True)
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=paid_by_bank.ids,
        ).create({'journal_id': self.company_data['default_journal_bank'].id})._create_payments()
        foreign = self.env['account.move'].browse(self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=paid_by_bank.ids,
        ).create({'journal_id': paid_by_bank.journal_id.id}).refund_moves()['res_id'])
        foreign.action_post()
        (credit_note + foreign).action_click_refund()
        self.assertEqual(tx.child_transaction_ids.state, 'done')
        activity = self.env['mail.activity'].search([('res_model', '=', 'account.move'), ('res_id', '=', foreign.id)])
        self.assertIn("not paid through Click", activity.note)
