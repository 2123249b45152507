"""Status sync and refunds through Click's Merchant API, played by the test-mode emulator over HTTP."""
from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.merchant import MerchantClient, MerchantTransportError, Reversal
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.tests.common import ClickCommon



class Replayed(Exception):
    """Stands for the serialization failure after which Odoo replays a request."""


MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.emulator.controllers.main',
                   'odoo.addons.payment_click.emulator.controllers.merchant',
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

    def _emulated(self, tx):
        return self.env['payment.click.emulator.payment'].search([('payment_id', '=', tx.provider_reference)])

    def _count_reversals(self):
        """Count the reversals Odoo asks of Click; each still goes to the emulator over HTTP."""
        reversals = patch.object(MerchantClient, 'reverse_payment', autospec=True,
                                 side_effect=MerchantClient.reverse_payment)
        spy = reversals.start()
        self.addCleanup(reversals.stop)
        return spy

    def _assert_refunded_once(self, tx, credit_note, reversals):
        """One reversal asked of Click, which reversed the payment once; one refund booked against the credit note."""
        self.assertEqual(reversals.call_count, 1, "Click is asked to reverse once")
        emulated = self._emulated(tx)
        self.assertEqual((emulated.payment_status, emulated.reversed_amount), (-9, 15000.0))
        refunds = tx.child_transaction_ids
        self.assertEqual(refunds.mapped('state'), ['done'], "one refund, booked")
        self.assertEqual(refunds.invoice_ids, credit_note)
        self.assertEqual(refunds.payment_id.amount, 15000.0)
        self.assertIn(credit_note.payment_state, ('paid', 'in_payment'))
        self.assertFalse(credit_note.amount_residual, "the credit note is paid once")

    def _make_refund_due_for_the_sync(self, refund_tx):
        refund_tx.last_state_change -= timedelta(minutes=self.click.click_sync_delay + 1)

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
        self.assertIn("could not be asked whether it reversed", str(caught.exception))
        self.assertIn("not asked to reverse it", str(caught.exception))
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

    # === Refunds whose answer was lost or that are replayed === #

    @MUTE
    def test_a_reversal_whose_answer_was_lost_stays_pending_and_the_sync_books_it_once(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        reversals = self._count_reversals()
        self._set_emulator_fault('slow_reversal')
        try:
            answer = credit_note.action_click_refund()
        finally:
            self._wait_remaining_requests(timeout=const.MERCHANT_API_TIMEOUT[1] + 5)
        self.env.invalidate_all()
        self.assertEqual(self._emulated(tx).payment_status, -9, "Click reversed the payment; its answer was lost")
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'pending', "on record before Click was called, left for Click's status")
        self.assertIn("did not say whether it reversed", answer['params']['message'])
        self.assertNotIn("bank transfer", answer['params']['message'])
        self.assertEqual(credit_note.payment_state, 'not_paid')
        self._set_emulator_fault('none')
        with self.assertRaisesRegex(UserError, "under way") as caught:
            credit_note.action_click_refund()  # the user tries again
        self.assertNotIn("Nothing was refunded", str(caught.exception))
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(refund_tx.state, 'pending', "too recent: Click may still answer")
        self._make_refund_due_for_the_sync(refund_tx)
        self.env['payment.transaction']._cron_click_sync_status()
        self._assert_refunded_once(tx, credit_note, reversals)
        with self.assertRaisesRegex(UserError, "nothing left to refund"):
            credit_note.action_click_refund()
        self.assertEqual(reversals.call_count, 1)

    @MUTE
    def test_a_reversal_click_already_made_is_booked_without_asking_again(self):
        """Click reversed the payment (a lost answer, Click's cabinet), and Odoo has no refund of it on record."""
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        self._emulated(tx)._reverse()
        self.env.flush_all()
        reversals = self._count_reversals()
        answer = credit_note.action_click_refund()
        self.assertNotIn("Nothing was refunded", answer['params']['message'])
        self.assertIn("already", answer['params']['message'])
        self.assertEqual(reversals.call_count, 0, "Click is not asked to reverse it again")
        self.assertEqual(tx.child_transaction_ids.mapped('state'), ['done'])
        self.assertEqual(tx.child_transaction_ids.invoice_ids, credit_note)
        self.assertFalse(credit_note.amount_residual)

    @MUTE
    def test_a_replayed_refund_request_reverses_once(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        reversals = self._count_reversals()
        with self.assertRaises(Replayed), self.env.cr.savepoint():
            credit_note.action_click_refund()
            raise Replayed  # the request fails to serialize after Click was called, and is rolled back
        self.env.invalidate_all()
        self._emulated(tx)._reverse()  # Click's side is not rolled back with Odoo's (here, they share a transaction)
        self.env.flush_all()
        credit_note.action_click_refund()  # Odoo replays it
        self.assertEqual(reversals.call_count, 1, "the replay books the reversal Click made, and asks nothing")
        self.assertEqual(tx.child_transaction_ids.mapped('state'), ['done'])
        self.assertFalse(credit_note.amount_residual)
        self.assertEqual(self._emulated(tx).reversed_amount, 15000.0)

    @MUTE
    def test_a_reversal_click_refuses_is_in_error_once_clicks_status_says_still_paid(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        self._emulated(tx).payment_date -= timedelta(days=62)  # out of Click's window, though Odoo thought not
        self.env.flush_all()
        answer = credit_note.action_click_refund()
        self.assertEqual(answer['params']['type'], 'danger')
        self.assertIn("still paid, so nothing was refunded", answer['params']['message'])
        self.assertEqual(tx.child_transaction_ids.state, 'error')
        self.assertEqual(credit_note.payment_state, 'not_paid')
        self.assertEqual(self._emulated(tx).payment_status, 2)

    # === The books after a refund === #

    def _refund_from_the_payment(self, tx, amount=None):
        wizard = self.env['payment.refund.wizard'].with_context(
            active_model='account.payment', active_id=tx.payment_id.id,
        ).create({'amount_to_refund': amount} if amount else {})
        return wizard.action_refund()

    def _todos(self, record, summary):
        return self.env['mail.activity'].search([
            ('res_model', '=', record._name), ('res_id', '=', record.id), ('summary', '=', summary)])

    @MUTE
    def test_the_payments_refund_button_books_a_credit_note_reconciled_with_the_refund(self):
        tx = self._paid_invoice_tx()
        answer = self._refund_from_the_payment(tx)
        self.assertEqual(answer['params']['type'], 'success')
        refund_tx = tx.child_transaction_ids
        credit_note = refund_tx.invoice_ids
        self.assertEqual((credit_note.move_type, credit_note.state, credit_note.reversed_entry_id),
                         ('out_refund', 'posted', self.invoice))
        self._assert_reconciled_refund(refund_tx, credit_note, 15000.0)
        self.assertTrue(refund_tx.payment_id.is_reconciled, "the refund payment is reconciled with the credit note")
        self.assertFalse(self._todos(self.invoice, "Click refund: make its credit note"))

    @MUTE
    def test_a_partial_refund_from_the_payment_asks_for_its_credit_note(self):
        self.click.click_partial_refund = True
        tx = self._paid_invoice_tx()
        self._refund_from_the_payment(tx, amount=5000.0)
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'done')
        self.assertFalse(refund_tx.invoice_ids, "which lines it refunds, only a person knows")
        todo = self._todos(self.invoice, "Click refund: make its credit note")
        self.assertEqual(len(todo), 1)
        self.assertIn("create a credit note of", todo.note)
        self.assertIn(refund_tx.payment_id.name, todo.note)

    @MUTE
    def test_a_refund_asks_the_cash_register_for_a_refund_receipt(self):
        tx = self._paid_invoice_tx()
        tx.write({'click_receipt_state': 'done', 'click_receipt_qr_url': 'https://ofd.soliq.uz/epi?t=EZ1'})
        self._credit_note().action_click_refund()
        todo = self._todos(self.invoice, "Click refund: issue its fiscal receipt")
        self.assertEqual(len(todo), 1)
        self.assertIn("cash register", todo.note)
        self.assertIn("https://ofd.soliq.uz/epi?t=EZ1", todo.note)

    @MUTE
    def test_refund_through_click_asks_for_confirmation(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        self.assertTrue(credit_note.click_refundable)
        form = etree.fromstring(self.env['account.move'].get_view(self.env.ref('account.view_move_form').id)['arch'])
        self.assertTrue(form.xpath("//button[@name='action_click_refund'][@confirm]"), "the form's button asks first")
        action = self.env.ref('payment_click.action_account_move_click_refund').with_context(
            active_model='account.move', active_ids=credit_note.ids, active_id=credit_note.id,
        ).run()
        self.assertEqual(action['res_model'], 'payment.click.refund.wizard')
        self.assertFalse(tx.child_transaction_ids, "nothing is refunded before the user confirms")
        wizard = self.env['payment.click.refund.wizard'].with_context(**action['context']).create({})
        self.assertEqual(wizard.move_ids, credit_note)
        wizard.action_refund()
        self.assertEqual(tx.child_transaction_ids.state, 'done')
        self.assertFalse(credit_note.click_refundable)

    @MUTE
    def test_the_customers_portal_shows_the_refund(self):
        tx = self._paid_invoice_tx()
        self._refund_from_the_payment(tx)
        page = self.url_open(self.invoice.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("Refunded through Click", page.text)
        self.assertIn("15,000.00", page.text)

    @MUTE
    def test_check_with_click_settles_a_refund_whose_answer_was_lost(self):
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        real_reversal = MerchantClient.reverse_payment

        def answer_lost(client, payment_id):
            real_reversal(client, payment_id)  # Click reverses the payment...
            raise MerchantTransportError("no answer", timeout=True)  # ...and its answer never arrives

        with patch.object(MerchantClient, 'reverse_payment', autospec=True, side_effect=answer_lost):
            credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'pending')
        answer = credit_note.action_click_sync_status()  # Check Click payments, on the credit note
        self.assertIn("reversed", answer['params']['message'])
        self.assertEqual(refund_tx.state, 'done')
        self.assertFalse(credit_note.amount_residual)

    @MUTE
    def test_a_billing_user_refunds_through_click_and_gets_the_todos(self):
        billing = new_test_user(self.env, 'click_billing_refunds', groups='account.group_account_invoice')
        self.click.click_partial_refund = True
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note(amount=5000.0)
        credit_note.with_user(billing).action_click_refund()
        self.assertEqual(tx.child_transaction_ids.state, 'done')
        self.assertFalse(credit_note.amount_residual)
        tx.write({'click_receipt_state': 'done'})
        self._credit_note(amount=10000.0).with_user(billing).action_click_refund()
        todo = self._todos(self.invoice, "Click refund: issue its fiscal receipt")
        self.assertEqual(todo.user_id, billing, "the to-do goes to the user who refunded")

    @MUTE
    def test_a_partial_reversal_whose_answer_was_lost_stays_pending_and_says_where_to_check(self):
        self.click.click_partial_refund = True
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note(amount=5000.0)
        real_reversal = MerchantClient.partial_reverse_payment

        def answer_lost(client, payment_id, amount):
            real_reversal(client, payment_id, amount)
            raise MerchantTransportError("no answer", timeout=True)

        with patch.object(MerchantClient, 'partial_reverse_payment', autospec=True, side_effect=answer_lost):
            credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertIn("merchant cabinet", refund_tx.state_message)
        self._make_refund_due_for_the_sync(refund_tx)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(refund_tx.state, 'pending', "Click's status cannot tell a partial reversal")

    # === Click's word on a reversal enters through the payment framework's door === #

    def _door(self):
        """Watch ``_handle_notification_data``, which still handles what goes through it.

        :return: a function giving the outcomes of the reversals that went through the door, in order
        """
        Transaction = self.registry['payment.transaction']
        door = patch.object(Transaction, '_handle_notification_data', autospec=True,
                            side_effect=Transaction._handle_notification_data)
        spy = door.start()
        self.addCleanup(door.stop)
        return lambda: [call.args[2]['reversal'] for call in spy.call_args_list
                        if call.args[1] == 'click' and call.args[2]['source'] == 'reversal']

    @MUTE
    def test_clicks_answer_to_a_reversal_enters_through_the_door(self):
        tx = self._paid_invoice_tx()
        reversals = self._door()
        self._credit_note().action_click_refund()
        self.assertEqual(reversals(), ['done'])
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'done')
        data = refund_tx._click_reversal_data(Reversal.DONE)
        self.assertEqual((data['reference'], data['provider_id'], data['payment_id']),
                         (refund_tx.reference, self.click.id, int(tx.provider_reference)))

    @MUTE
    def test_a_reversal_click_already_made_enters_through_the_door(self):
        tx = self._paid_invoice_tx()
        self._emulated(tx)._reverse()
        self.env.flush_all()
        reversals = self._door()
        self._credit_note().action_click_refund()
        self.assertEqual(reversals(), ['done'])
        self.assertEqual(tx.child_transaction_ids.state, 'done')

    @MUTE
    def test_a_refusal_and_clicks_status_after_it_enter_through_the_door(self):
        tx = self._paid_invoice_tx()
        self._emulated(tx).payment_date -= timedelta(days=62)  # Click refuses: out of its window
        self.env.flush_all()
        reversals = self._door()
        self._credit_note().action_click_refund()
        self.assertEqual(reversals(), ['not_done'])
        self.assertEqual(tx.child_transaction_ids.state, 'error')

    @MUTE
    def test_a_refusal_whose_status_cannot_be_asked_enters_the_door_as_unknown(self):
        tx = self._paid_invoice_tx()
        self._emulated(tx).payment_date -= timedelta(days=62)
        self.env.flush_all()
        real_status = MerchantClient.payment_status
        asked = []

        def unreachable_after_the_refusal(client, payment_id):
            asked.append(payment_id)
            if len(asked) > 1:
                raise MerchantTransportError("no answer", timeout=True)
            return real_status(client, payment_id)

        reversals = self._door()
        with patch.object(MerchantClient, 'payment_status', autospec=True, side_effect=unreachable_after_the_refusal):
            self._credit_note().action_click_refund()
        self.assertEqual(len(asked), 2, "asked before the reversal, and after Click refused it")
        self.assertEqual(reversals(), ['unknown'])
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'pending', "nobody is told nothing was refunded before Click says so")
        self.assertIn("could not be asked whether the payment is still paid", refund_tx.state_message)
        self._make_refund_due_for_the_sync(refund_tx)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(reversals(), ['unknown', 'not_done'])
        self.assertEqual(refund_tx.state, 'error')

    @MUTE
    def test_a_lost_answer_and_the_status_sync_enter_through_the_door(self):
        """The answer is lost, and Click did not reverse: the sync puts the refund in error from Click's status."""
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        reversals = self._door()
        with patch.object(MerchantClient, 'reverse_payment', autospec=True,
                          side_effect=MerchantTransportError("no answer", timeout=True)):
            credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual((reversals(), refund_tx.state), (['unknown'], 'pending'))
        self._make_refund_due_for_the_sync(refund_tx)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(reversals(), ['unknown', 'not_done'])
        self.assertEqual(refund_tx.state, 'error')
        self.assertIn("still paid", refund_tx.state_message)
        self.assertEqual(credit_note.payment_state, 'not_paid')

    @MUTE
    def test_the_status_sync_of_an_untold_partial_reversal_enters_the_door_and_changes_nothing(self):
        self.click.click_partial_refund = True
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note(amount=5000.0)
        with patch.object(MerchantClient, 'partial_reverse_payment', autospec=True,
                          side_effect=MerchantTransportError("no answer", timeout=True)):
            credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        notes = [('model', '=', 'account.move'), ('res_id', 'in', (self.invoice + credit_note).ids)]
        message, noted = refund_tx.state_message, self.env['mail.message'].search_count(notes)
        self._make_refund_due_for_the_sync(refund_tx)
        reversals = self._door()
        answer = credit_note.action_click_sync_status()
        self.assertEqual(reversals(), ['unknown'])
        self.assertIn("does not tell yet", answer['params']['message'])
        self.assertEqual((refund_tx.state, refund_tx.state_message), ('pending', message))
        self.assertEqual(self.env['mail.message'].search_count(notes), noted, "no note at each run of the sync")

    @MUTE
    def test_a_second_word_on_a_settled_reversal_changes_nothing(self):
        """A replayed or late answer (the sync, a second worker) finds the refund booked, and leaves it so."""
        tx = self._paid_invoice_tx()
        credit_note = self._credit_note()
        credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'done')
        refund_tx._click_handle_reversal(Reversal.NOT_DONE, "Click reports the payment as still paid.")
        refund_tx._click_handle_reversal(Reversal.DONE, "Click reversed it.")
        self.assertEqual(refund_tx.state, 'done')
        self.assertEqual(len(refund_tx.payment_id), 1)
        self.assertFalse(credit_note.amount_residual)
        self.assertEqual(self._emulated(tx).reversed_amount, 15000.0, "Click reversed it once")
        alien = dict(refund_tx._click_reversal_data(Reversal.NOT_DONE, "Still paid."), payment_id=1)
        with self.assertRaisesRegex(ValidationError, "not about"):
            self.env['payment.transaction']._handle_notification_data('click', alien)
        self.assertEqual(refund_tx.state, 'done')
