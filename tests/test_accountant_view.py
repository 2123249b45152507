"""What the accountant reads: notifications and memos without raw values, messages signed by whoever
acted, and Check with Click saying what Click answered and what it changed."""
from odoo.tests import new_test_user, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.tests.common import MUTE, ClickInvoiceCommon


@tagged('post_install', '-at_install')
class TestAccountantView(AccountPaymentCommon, ClickInvoiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']
        cls.partner_a.write({'mobile': '90 123 45 67', 'email': 'a@example.com'})
        cls.accountant = new_test_user(
            cls.env, login='click_accountant', email='accountant@example.com',
            groups='base.group_user,account.group_account_manager,base.group_system',
        )

    def _invoice(self, post=True):
        return self.init_invoice('out_invoice', partner=self.partner_a, amounts=[15000.0],
                                 currency=self.currency, post=post)

    def _wizard(self, invoices, user=None):
        return self.env['payment.click.invoice.wizard'].with_user(user or self.env.user).with_context(
            active_model='account.move', active_ids=invoices.ids,
        ).create({})

    def _messages(self, record, text):
        return record.message_ids.filtered(lambda message: text in (message.body or ''))

    # === No raw values === #

    @MUTE
    def test_a_skipped_draft_invoice_is_named_in_the_notification(self):
        posted, draft = self._invoice(), self._invoice(post=False)
        message = self._wizard(posted + draft).action_send()['params']['message']
        self.assertNotIn('False', message)
        self.assertIn(f"Skipped: {draft.display_name} (not a posted customer invoice).", message)
        self.assertIn(posted.name, message)

    def test_the_memo_of_a_refund_names_only_what_is_known(self):
        tx = self._create_click_tx(reference='INV-MEMO', invoice_ids=[self._invoice().id],
                                   provider_reference='8418412794', click_trans_id='555')
        tx._set_done()
        self.assertTrue(tx.payment_id or tx._create_payment())
        self.assertIn('Click 8418412794 / 555', tx.payment_id.memo)
        refund_tx = tx._create_child_transaction(tx.amount, is_refund=True)
        refund_tx.provider_reference = tx.provider_reference
        refund_tx._set_done()
        refund = refund_tx._create_payment()
        self.assertNotIn('False', refund.memo)
        self.assertTrue(refund.memo.endswith('Click 8418412794'), refund.memo)

    # === Signed by whoever acted === #

    @MUTE
    def test_a_click_invoice_sent_by_the_accountant_is_signed_by_the_accountant(self):
        invoice = self._invoice()
        self._wizard(invoice, user=self.accountant).action_send()
        tx = invoice.transaction_ids
        sent = self._messages(invoice, tx.click_invoice_id)
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.author_id, self.accountant.partner_id, "not the customer, not OdooBot")

        self._click_app(tx, 'pay')  # Click's own call: signed by the payer, as before
        self.assertEqual(tx.state, 'done')
        tx._post_process()  # which posts the message Click's confirmation left to it
        received = self._messages(invoice, tx.reference) & self._messages(invoice, 'has been confirmed')
        self.assertTrue(received)
        self.assertEqual(received.author_id, self.partner_a)

    @MUTE
    def test_the_message_of_a_complete_comes_with_the_post_processing_once(self):
        invoice = self._invoice()
        tx = self._create_click_tx(reference='INV-LATER', amount=15000.0, invoice_ids=[invoice.id])
        self.assertTrue(tx.partner_id.email)
        self._prepare_and_complete(tx)
        self.assertEqual(tx.state, 'done')
        self.assertFalse(self._messages(invoice, 'has been confirmed'), "Click's answer does not wait for the chatter")
        self.assertTrue(tx._click_claim_post_processing())  # the cron's or the status page's claim posts it
        received = self._messages(invoice, 'has been confirmed')
        self.assertEqual(len(received), 1)
        self.assertEqual(received.author_id, tx.partner_id, "signed by the payer, as Click's calls are")
        tx._post_process()
        self.assertEqual(len(self._messages(invoice, 'has been confirmed')), 1, "posted once")
        self.assertTrue(tx.payment_id)

    @MUTE
    def test_a_payer_without_an_address_leaves_the_accountant_as_author(self):
        self.partner_a.email = False
        invoice = self._invoice()
        self._wizard(invoice, user=self.accountant).action_send()
        sent = self._messages(invoice, invoice.transaction_ids.click_invoice_id)
        self.assertEqual(sent.author_id, self.accountant.partner_id)

    # === Check with Click === #

    @MUTE
    def test_check_with_click_says_what_click_answered_and_what_changed(self):
        invoice = self._invoice()
        self._wizard(invoice).action_send()
        tx = invoice.transaction_ids
        self._set_emulator_fault('drop_complete')
        self._click_app(tx, 'pay')
        self.assertEqual(tx.state, 'draft')
        action = tx.with_user(self.accountant).action_click_sync_status()
        params = action['params']
        self.assertTrue(params['sticky'], "the accountant has time to read it")
        self.assertEqual(action['params']['next']['tag'], 'soft_reload', "the form then shows the new state")
        self.assertIn(f"Click reports the payment {tx.reference} as paid (status 2).", params['message'])
        self.assertIn(f"{tx.reference} went from Draft to Confirmed.", params['message'])
        self.assertEqual(tx.state, 'done')

        action = tx.action_click_sync_status()  # nothing left to change
        self.assertIn("Nothing changed", action['params']['message'])

    @MUTE
    def test_a_refund_by_the_accountant_is_signed_by_the_accountant(self):
        invoice = self._invoice()
        tx = self._create_click_tx(reference='INV-REFUND-SIGNED', invoice_ids=[invoice.id])
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        self.opener.post(button['action'], data=dict(button['inputs'], outcome='pay'), allow_redirects=False)
        self._wait_for_click()
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        reversal = self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=invoice.ids,
        ).create({'journal_id': invoice.journal_id.id, 'reason': "Returned"})
        credit_note = self.env['account.move'].browse(reversal.refund_moves()['res_id'])
        credit_note.action_post()
        credit_note.with_user(self.accountant).action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, 'done')
        messages = (invoice + credit_note).message_ids.filtered(
            lambda message: refund_tx.reference in (message.body or ''))
        self.assertTrue(messages)
        self.assertEqual(messages.author_id, self.accountant.partner_id, "not the customer, not OdooBot")
