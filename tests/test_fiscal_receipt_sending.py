"""Fiscal receipts of Click payments, sent from invoices to the test-mode emulator over HTTP."""
from datetime import timedelta
from decimal import Decimal
from unittest.mock import patch


from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api.fiscal import FiscalError
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError,
    MerchantHttpError,
    MerchantTransportError,
)
from odoo.addons.payment_click.tests.common import MUTE_FISCAL as MUTE, SPIC, TOTAL, FiscalReceiptCommon


@tagged('post_install', '-at_install')
class TestFiscalReceipts(FiscalReceiptCommon):

    # === The happy path === #

    @MUTE
    def test_a_paid_invoice_gets_its_receipt_from_the_cron(self):
        with patch.object(type(self.cron), '_trigger', autospec=True) as trigger:
            tx = self._pay()
        self.assertTrue(trigger.called, "the cron is woken up at once")
        self.assertEqual(self.invoice.click_receipt_state, 'to_send')
        self.assertEqual(self.invoice.click_payment_id, tx.provider_reference)
        self.assertFalse(self._emulated_payment(tx).fiscal_receipt, "nothing is sent in the payment's flow")
        self._run_cron()
        receipt = self._assert_one_receipt(tx)
        desk, chair = receipt['items']
        self.assertEqual((desk['SPIC'], desk['Price'], desk['Amount'], desk['VATPercent'], desk['VAT']),
                         (SPIC, 2240000, 2, 12, 240000))
        self.assertEqual(desk['Barcode'], '4780000000017')
        self.assertEqual((chair['Price'], chair['Discount'], chair['VATPercent']), (1500000, 150000, 0))
        self.assertEqual(receipt['items'][0]['CommissionInfo'], {'TIN': '123456789'})
        self.assertTrue(self.invoice.click_receipt_qr_url.startswith('https://ofd.soliq.uz/'))

    @MUTE
    def test_the_receipt_shows_on_the_printed_invoice_and_the_portal(self):
        self._pay()
        self._run_cron()
        html = self.env['ir.actions.report']._render_qweb_html('account.account_invoices', self.invoice.ids)[0]
        self.assertIn(b'click_fiscal_receipt', html)
        self.assertIn(b'data:image/png;base64', html.split(b'click_fiscal_receipt', 1)[1])
        response = self.url_open(self.invoice.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.click_receipt_qr_url.replace('&', '&amp;'), response.text)

    @MUTE
    def test_no_receipt_for_a_self_test_or_an_unposted_document(self):
        tx = self._create_click_tx(reference='SELF-TEST', amount=TOTAL, click_is_self_test=True,
                                   invoice_ids=[self.invoice.id], state='done', provider_reference='777')
        tx._post_process()
        self.assertFalse(self.invoice.click_receipt_state)

        draft = self.invoice.copy()
        self.assertEqual(draft.state, 'draft')
        tx = self._create_click_tx(reference='INV-DRAFT', amount=TOTAL, invoice_ids=[draft.id], state='done',
                                   provider_reference='778')
        tx._click_queue_fiscal_receipts()  # as its post-processing does
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called, "nothing is sent for a draft invoice")
        self.assertEqual(tx.click_receipt_state, 'failed')
        self.assertIn("pays no posted invoice", tx.click_receipt_error)

    # === Faults === #

    @MUTE
    def test_a_server_error_is_retried_later_without_a_duplicate(self):
        tx = self._pay()
        self._set_emulator_fault('http_500')
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'to_send')
        self.assertEqual(self.tx.click_receipt_attempts, 1)
        self.assertIn('500', self.invoice.click_receipt_error)
        self.assertGreater(self.tx.click_receipt_next_try, fields.Datetime.now() + timedelta(minutes=4))
        self._set_emulator_fault('none')
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called, "not due yet")
        self.assertEqual(self.invoice.click_receipt_state, 'to_send')
        self._make_due()
        self._run_cron()
        self._assert_one_receipt(tx)
        self.assertEqual(self.tx.click_receipt_attempts, 0)
        self.assertFalse(self.invoice.click_receipt_error)
        self.assertFalse(self._activity())

    @MUTE
    def test_the_backoff_doubles_and_then_asks_the_accountant(self):
        self._pay()
        self._set_emulator_fault('http_500')
        delays = []
        for _attempt in range(3):
            self._make_due()
            before = fields.Datetime.now()
            self._run_cron()
            delays.append(round((self.tx.click_receipt_next_try - before).total_seconds() / 60))
        self.assertEqual(delays, [5, 10, 20])
        self.tx.click_receipt_attempts = 14
        self._make_due()
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'failed')
        self.assertIn("could not reach Click after 15 tries", self._activity().note)

    @MUTE
    def test_an_unforeseen_failure_stays_on_its_receipt_and_the_others_go_on(self):
        """A receipt whose step crashes is rolled back to before it, keeps the error and is tried again
        later; the cron goes on with the next receipt, in tests as in production."""
        tx = self._pay()
        other_invoice = self.invoice.copy()
        other_invoice.action_post()
        other = self._pay('INV-FISCAL-2', invoice_ids=[other_invoice.id])
        build = type(tx)._click_build_fiscal_receipt

        def crash(receipt_tx):
            if receipt_tx == tx:
                receipt_tx.click_receipt_state = 'failed'  # half done, then undone with the step
                raise RuntimeError("unforeseen")
            return build(receipt_tx)

        with patch.object(type(tx), '_click_build_fiscal_receipt', crash), \
                self.assertLogs('odoo.addons.payment_click.models.payment_transaction_fiscal', 'ERROR') as logs:
            self._run_cron()
        self.assertIn("left for a later run", logs.output[0])
        self.assertEqual((tx.click_receipt_state, tx.click_receipt_attempts), ('to_send', 1))
        self.assertIn("unforeseen", tx.click_receipt_error)
        self.assertGreater(tx.click_receipt_next_try, fields.Datetime.now())
        self.assertEqual(other.click_receipt_state, 'done', "the next receipt was sent all the same")
        self.tx = tx
        self._make_due()
        self._run_cron()
        self._assert_one_receipt(tx)

    @MUTE
    def test_a_restart_between_submit_and_fetch_fetches_without_sending_again(self):
        tx = self._pay()
        tx._click_submit_fiscal_receipt()  # committed by the cron; the process dies here
        self.assertEqual(self.invoice.click_receipt_state, 'sent')
        self._set_emulator_fault('http_500')
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'sent', "the fetch failed: it is tried again")
        self.assertEqual(self.tx.click_receipt_attempts, 1)
        self._set_emulator_fault('none')
        self._make_due()
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self._assert_one_receipt(tx)

    @MUTE
    def test_a_receipt_click_took_before_odoo_stored_it_is_not_sent_again(self):
        tx = self._pay()
        receipt = tx._click_build_fiscal_receipt()
        self.click._click_get_merchant_client().submit_fiscal_items(
            tx.provider_reference, receipt['items'], receipt['received_ecash'])  # the answer was lost
        self.tx.click_receipt_attempts = 1
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self._assert_one_receipt(tx)

    @MUTE
    def test_a_click_refusal_stops_and_asks_the_accountant(self):
        tx = self._pay()
        self._set_emulator_fault('business_error')
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'failed')
        self.assertIn("Emulated refusal", self.invoice.click_receipt_error)
        activity = self._activity()
        self.assertEqual(len(activity), 1)
        self.assertIn("Emulated refusal", activity.note)
        self.assertIn("Send fiscal receipt to Click", activity.note)
        self.assertEqual(activity.user_id, tx._click_accountant())
        self.assertEqual(tx.state, 'done', "a fiscal failure never undoes a payment")
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self._run_cron()
        self.assertEqual(len(self._activity()), 1, "a failed receipt waits for a person")
        self._set_emulator_fault('none')
        self.invoice.action_click_send_fiscal_receipt()
        self._assert_one_receipt(tx)
        self.assertFalse(self._activity(), "the accountant's to-do is done once the receipt is issued")
        self.assertIn("The fiscal receipt is issued.", self.invoice.message_ids[0].body)

    @MUTE
    def test_a_refusal_after_an_unanswered_try_is_quoted_when_giving_up(self):
        self._pay()
        self.tx.click_receipt_attempts = 1  # the first try's answer was lost
        self._set_emulator_fault('business_error')
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertEqual(submit.call_count, 1)
        self.assertEqual(self.invoice.click_receipt_state, 'sent', "Click may hold the first receipt: wait for it")
        self.assertEqual(self.tx.click_receipt_attempts, 2, "the attempts go on counting")
        self.assertIn("Emulated refusal", self.invoice.click_receipt_error)
        self._make_due()
        self._run_cron()
        self.assertEqual(self.tx.click_receipt_attempts, 3)
        self.assertIn("Emulated refusal", self.invoice.click_receipt_error, "Click's refusal is kept")
        self.tx.click_receipt_attempts = 14
        self._make_due()
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'failed')
        self.assertIn("Emulated refusal", self._activity().note)
        self.assertNotIn("Click accepted", self._activity().note)

    @MUTE
    def test_a_product_without_ikpu_sends_nothing_and_names_it(self):
        self.chair.click_spic = False
        tx = self._pay()
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self.assertEqual(self.invoice.click_receipt_state, 'failed')
        self.assertIn("Office chair", self.invoice.click_receipt_error)
        self.assertNotIn("Office desk", self.invoice.click_receipt_error)
        self.assertIn("Office chair", self._activity().note)
        self.assertFalse(self._emulated_payment(tx).fiscal_receipt)
        self.chair.click_spic = '10399001002000000'
        self.invoice.action_click_send_fiscal_receipt()
        self._assert_one_receipt(tx)

    @MUTE
    def test_a_vat_of_a_fraction_of_a_percent_sends_nothing(self):
        """The builder alone checks the rate is a whole percent; the model only reads the line's one tax."""
        vat_half = self.vat_12.copy({'name': "VAT 12.5%", 'amount': 12.5})
        invoice = self.env['account.move'].create({
            'move_type': 'out_invoice', 'partner_id': self.partner_a.id, 'currency_id': self.currency.id,
            'invoice_line_ids': [Command.create({'product_id': self.desk.id, 'quantity': 1, 'price_unit': 10000.0,
                                                 'tax_ids': [Command.set(vat_half.ids)]})],
        })
        invoice.action_post()
        self.invoice = invoice
        tx = self._pay('INV-HALF', invoice.amount_total, invoice_ids=[invoice.id])
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self.assertEqual(tx.click_receipt_state, 'failed')
        self.assertIn("The VAT rate of Office desk must be a whole percent from 0 to 100, not 12.5.",
                      tx.click_receipt_error)

    @MUTE
    def test_a_company_without_a_tin_sends_nothing(self):
        self.company.vat = False
        self._pay()
        self._run_cron()
        self.assertEqual(self.invoice.click_receipt_state, 'failed')
        self.assertIn("TIN", self.invoice.click_receipt_error)

    def test_every_refusal_is_worded_with_its_menu_path(self):
        """The builder's codes read as the accountant's advice, amounts in the reader's number format."""
        self.assertEqual(set(messages._FISCAL), {
            value for name, value in vars(FiscalError).items()
            if name.isupper() and not name.startswith('FIELD_') and isinstance(value, str)
        })
        cases = [
            (FiscalError(FiscalError.FRACTIONAL_QUANTITY, line='[SUGAR] Sugar', quantity=Decimal('1.5')),
             "Click's fiscal receipts take whole quantities only; [SUGAR] Sugar has 1.5."),
            (FiscalError(FiscalError.PARTIAL_PAYMENT, total=Decimal('1000000.00'), paid=Decimal('400000.00')),
             "come to 1,000,000.00 so'm while Click was paid 400,000.00 so'm: this payment covers part of the "
             "document"),
            (FiscalError(FiscalError.OVERPAID, total=Decimal('100.00'), paid=Decimal('100.01')),
             "Click was paid more than the document's lines. Issue this receipt from your cash register and attach "
             "it with Action > Attach an existing receipt (QR URL)."),
            (FiscalError(FiscalError.ROUNDING, line='[NAIL] Nail', labels=['[NAIL] Nail'], total=Decimal('110.00'),
                         paid=Decimal('109.99')), "rounding to whole tiyin the amounts of [NAIL] Nail"),
            (FiscalError(FiscalError.LINE_COMMISSION, line='[VASE] Vase', error=FiscalError(
                FiscalError.COMMISSION_ID_FORMAT, kind='TIN', digits=9, value='12345')),
             "[VASE] Vase is sold on commission: The seller's TIN must be 9 digits, not \"12345\"."),
            (FiscalError(FiscalError.NEGATIVE_TOO_LARGE, line='Coupon', amount=Decimal('150.00'),
                         available=Decimal('100.00'), vat_percent=12),
             "Coupon takes off 150.00 so'm, more than the 100.00 so'm of the lines at 12 % VAT"),
            (FiscalError(FiscalError.NOT_A_NUMBER, line='[DESK] Desk', field=FiscalError.FIELD_QUANTITY,
                         value="'x'"), "The quantity of [DESK] Desk is not a number: 'x'."),
        ]
        for error, words in cases:
            with self.subTest(code=error.code):
                self.assertIn(words, messages.fiscal_error(self.env, error))
        note = messages.receipt_not_sent(self.env, "INV/1", '42', FiscalError(FiscalError.MISSING_MASTER_DATA,
                                                                               labels=['Desk', 'Chair']))
        self.assertIn("these products: Desk, Chair. Nothing was sent. Fix it, then use Action > Send fiscal receipt "
                      "to Click.", note)

    def test_merchant_api_failures_are_worded(self):
        """Click's failures reach the accountant worded from their codes, in the reader's language."""
        timeout = MerchantTransportError("log text", timeout=True, code=MerchantApiError.READ_TIMEOUT, params={
            'endpoint': 'POST payment/ofd_data/submit_items', 'seconds': 15, 'may_act': True,
        })
        self.assertEqual(messages.merchant_error(self.env, timeout),
                         "Click's Merchant API did not answer POST payment/ofd_data/submit_items within 15 seconds. "
                         "Click may still carry it out: check the payment's status before trying again.")
        refused = MerchantHttpError("log text", 401, "Wrong user", code=MerchantApiError.HTTP_STATUS,
                                    params={'endpoint': 'GET payment/status/36/1', 'status': 401, 'note': "Wrong user"})
        self.assertEqual(messages.merchant_error(self.env, refused),
                         "Click's Merchant API answered HTTP 401 to GET payment/status/36/1: not authorized: check the "
                         "Merchant User ID and Secret Key, and this server's clock. Click says: Wrong user")
        self.assertEqual(messages.merchant_error(self.env, ValueError("not a whole number of tiyin")),
                         "not a whole number of tiyin")

    # === Server actions === #

    @MUTE
    def test_a_receipt_is_never_sent_twice(self):
        self._pay()
        self._run_cron()
        with self.assertRaisesRegex(UserError, "fiscal receipt already"):
            self.invoice.action_click_send_fiscal_receipt()
        url = self.invoice.click_receipt_qr_url
        self.tx.write({'click_receipt_state': 'failed', 'click_receipt_qr_url': False})
        self.invoice.action_click_refresh_fiscal_data()
        self.assertEqual(self.invoice.click_receipt_state, 'done')
        self.assertEqual(self.invoice.click_receipt_qr_url, url)
        self.assertEqual(url, self._emulated_payment(self.tx).fiscal_qr_url)

    @MUTE
    def test_attach_a_receipt_from_the_cash_register(self):
        tx = self._pay()
        url = 'https://ofd.soliq.uz/epi?t=EZ000000000001&r=000000042&c=20250101120000&s=123456789012'
        action = self.invoice.action_click_attach_fiscal_receipt()
        wizard = self.env[action['res_model']].with_context(**action['context']).create({'qr_url': url})
        wizard.action_attach()
        self.assertEqual(self.invoice.click_receipt_state, 'done')
        self.assertEqual(self.invoice.click_receipt_qr_url, url)
        self.assertEqual(self._emulated_payment(tx).fiscal_qr_url, url)
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        with self.assertRaisesRegex(UserError, "fiscal receipt already"):
            self.invoice.action_click_attach_fiscal_receipt()
        with self.assertRaisesRegex(UserError, "fiscal receipt already"):
            tx._click_attach_fiscal_receipt(url)

    def test_a_discounted_line_goes_with_the_invoices_unit_price_and_discount(self):
        """3 × 4,115.55 so'm at 10 % off, VAT included: the invoice says 4,115.55 and takes off 1,234.66."""
        vat_12_included = self.vat_12.copy({'name': "VAT 12% incl.", 'price_include_override': 'tax_included'})
        tea = self.env['product.product'].create({'name': "Tea", 'click_spic': SPIC, 'click_package_code': '1'})
        invoice = self.env['account.move'].create({
            'move_type': 'out_invoice', 'partner_id': self.partner_a.id, 'currency_id': self.currency.id,
            'invoice_line_ids': [Command.create({
                'product_id': tea.id, 'quantity': 3, 'price_unit': 4115.55, 'discount': 10,
                'tax_ids': [Command.set(vat_12_included.ids)],
            })],
        })
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 11111.99)
        lines = self.env['payment.transaction']._click_fiscal_lines(invoice)
        self.assertEqual([(line.price_unit, line.discount) for line in lines],
                         [(Decimal('4115.55'), Decimal('1234.66'))])
        self.assertEqual(lines[0].price_unit * lines[0].quantity - lines[0].discount, Decimal('11111.99'))
        tax_on_top = invoice.copy()
        tax_on_top.invoice_line_ids.write({'tax_ids': [Command.set(self.vat_12.ids)], 'price_unit': 4115.55})
        tax_on_top.action_post()
        [line] = self.env['payment.transaction']._click_fiscal_lines(tax_on_top)
        self.assertEqual(line.price_unit, Decimal('4609.42'), "4,115.55 + 12 % for one unit, to the tiyin")
        self.assertEqual(line.price_unit * 3 - line.discount, Decimal(str(tax_on_top.amount_total)))

    def test_not_paid_through_click_needs_no_receipt(self):
        with self.assertRaisesRegex(UserError, "not paid through Click"):
            self.invoice.action_click_send_fiscal_receipt()

    # === Master data === #

    def test_the_ikpu_is_17_digits(self):
        with self.assertRaises(ValidationError):
            self.desk.click_spic = '1039900100'
        with self.assertRaises(ValidationError):
            self.desk.click_package_code = 'x' * 21
        unclassified = self.env['product.product'].create({'name': "Gift wrapping"})
        missing = self.env['product.template'].search(
            [('id', 'in', (self.desk | unclassified).product_tmpl_id.ids)]
            + self._filter_domain('product.product_template_search_view', 'click_missing_spic'))
        self.assertEqual(missing, unclassified.product_tmpl_id)
