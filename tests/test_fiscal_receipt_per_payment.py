"""One fiscal receipt per Click payment: eCommerce orders not invoiced yet, several invoices, instalments,
goods sold on commission, timeouts and the month-end list; over HTTP to the test-mode emulator."""
import json
from unittest.mock import patch


from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.merchant import MerchantClient
from odoo.addons.payment_click.tests.common import MUTE_FISCAL as MUTE, SPIC, TOTAL, FiscalReceiptCommon


@tagged('post_install', '-at_install')
class TestFiscalReceiptPayments(FiscalReceiptCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist = cls.env['product.pricelist'].create({"name": "So'm", 'currency_id': cls.currency.id})

    def _order(self):
        """A quotation for the same goods as the invoice: 2 desks at 12 % VAT, 3 chairs at 0 % less 10 %."""
        order = self.env['sale.order'].create({
            'partner_id': self.partner_a.id, 'pricelist_id': self.pricelist.id,
            'order_line': [
                Command.create({'product_id': self.desk.id, 'product_uom_qty': 2, 'price_unit': 10000.0,
                                'tax_id': [Command.set(self.vat_12.ids)]}),
                Command.create({'product_id': self.chair.id, 'product_uom_qty': 3, 'price_unit': 5000.0,
                                'discount': 10, 'tax_id': [Command.set(self.vat_0.ids)]}),
            ],
        })
        self.assertEqual((order.currency_id, order.amount_total), (self.currency, TOTAL))
        return order

    def _pay_click(self, reference, amount, **links):
        return self._pay(reference, amount, **links)

    def _receipt(self, tx):
        return json.loads(self._emulated_payment(tx).fiscal_receipt or 'null')

    # === eCommerce orders without an invoice === #

    @MUTE
    def test_an_order_paid_before_it_is_invoiced_gets_its_receipt_once(self):
        order = self._order()
        tx = self._pay_click('SO-FISCAL', TOTAL, sale_order_ids=[order.id])
        self.assertEqual(order.state, 'sale')
        self.assertFalse(order.invoice_ids, "the shop does not invoice on payment")
        self.assertEqual(tx.click_receipt_state, 'to_send')
        self._run_cron()
        self.assertEqual(tx.click_receipt_state, 'done')
        receipt = self._receipt(tx)
        self.assertEqual(receipt['received_ecash'], int(TOTAL * 100))
        desk, chair = receipt['items']
        self.assertEqual((desk['SPIC'], desk['Price'], desk['Amount'], desk['VAT'], desk['VATPercent']),
                         (SPIC, 2240000, 2, 240000, 12))
        self.assertEqual((chair['Price'], chair['Discount'], chair['VATPercent']), (1500000, 150000, 0))
        self.assertIn(tx.click_receipt_qr_url.replace('&', '&amp;'), order.message_ids[0].body)

        response = self.url_open(order.get_portal_url())
        self.assertEqual(response.status_code, 200)
        portal = response.text.split('id="click_fiscal_receipt"', 1)
        self.assertEqual(len(portal), 2, "the order's portal page shows the receipt")
        self.assertIn(tx.click_receipt_qr_url.replace('&', '&amp;'), portal[1])

        # Invoiced later: the invoice shows the order's receipt, and nothing is sent again.
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertIn(tx, invoice.transaction_ids)
        self.assertEqual((invoice.click_receipt_state, invoice.click_receipt_qr_url),
                         ('done', tx.click_receipt_qr_url))
        with self._spy_submit() as submit:
            self._run_cron()
            with self.assertRaisesRegex(UserError, "fiscal receipt already"):
                invoice.action_click_send_fiscal_receipt()
        self.assertFalse(submit.called)

    @MUTE
    def test_an_order_invoiced_on_payment_takes_the_invoice_lines(self):
        order = self._order()
        tx = self._pay_click('SO-INVOICED', TOTAL, sale_order_ids=[order.id])
        invoice = order._create_invoices()
        invoice.action_post()
        tx.invoice_ids = invoice  # as the shop's automatic invoice does
        self.assertEqual(tx._click_receipt_documents(), invoice)
        self._run_cron()
        self.assertEqual(invoice.click_receipt_state, 'done')
        self.assertEqual(len(self._receipt(tx)['items']), 2)

    # === Several invoices, instalments === #

    @MUTE
    def test_one_payment_of_two_invoices_gets_one_receipt_of_both(self):
        second = self.invoice.copy()
        second.action_post()
        tx = self._pay_click('INV-TWO', TOTAL * 2, invoice_ids=[self.invoice.id, second.id])
        self._run_cron()
        receipt = self._receipt(tx)
        self.assertEqual(len(receipt['items']), 4)
        self.assertEqual(receipt['received_ecash'], int(TOTAL * 200))
        self.assertEqual(sum(item['Price'] - item.get('Discount', 0) for item in receipt['items']), int(TOTAL * 200))
        self.assertEqual((self.invoice.click_receipt_state, second.click_receipt_state), ('done', 'done'))
        self.assertEqual(self.invoice.click_receipt_qr_url, second.click_receipt_qr_url)

    @MUTE
    def test_an_instalment_is_refused_and_the_accountant_asked_to_attach_the_receipt(self):
        tx = self._pay_click('INV-PART', 10000.0, invoice_ids=[self.invoice.id])
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called, "nothing is sent half right")
        self.assertEqual(tx.click_receipt_state, 'failed')
        self.assertIn("covers part of the document", tx.click_receipt_error)
        self.assertNotIn("Fix it", tx.click_receipt_error, "nothing to fix in Odoo: the cash register issues it")
        self.assertIn("35,900.00 so'm", tx.click_receipt_error)
        self.assertIn("10,000.00 so'm", tx.click_receipt_error)
        activity = self._activity()
        self.assertIn("Attach an existing receipt", activity.note)
        url = 'https://ofd.soliq.uz/epi?t=EZ000000000002&r=000000043&c=20250101120000&s=123456789013'
        self.invoice.action_click_attach_fiscal_receipt()
        tx._click_attach_fiscal_receipt(url)
        self.assertEqual((self.invoice.click_receipt_state, self.invoice.click_receipt_qr_url), ('done', url))

    @MUTE
    def test_an_advance_invoice_is_left_to_the_cash_register(self):
        """A down-payment invoice sells no goods yet: the to-do says so, not that its product lacks an IKPU."""
        order = self._order()
        order.action_confirm()
        self.env['sale.advance.payment.inv'].with_context(active_model='sale.order', active_ids=order.ids).create({
            'advance_payment_method': 'fixed', 'fixed_amount': 10000.0,
        }).create_invoices()
        advance = order.invoice_ids
        advance.action_post()
        tx = self._pay_click('INV-ADVANCE', advance.amount_total, invoice_ids=[advance.id])
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self.assertEqual(tx.click_receipt_state, 'failed')
        self.assertIn("invoices an advance (down payment)", tx.click_receipt_error)
        self.assertNotIn("Set an IKPU", tx.click_receipt_error)
        self.assertNotIn("Fix it", tx.click_receipt_error)
        self.invoice = advance
        self.assertIn("cash register", self._activity().note)

    # === Commission === #

    @MUTE
    def test_goods_sold_on_commission_carry_their_principals_id(self):
        principal = self.env['res.partner'].create({'name': "Karimov Aziz", 'vat': '12345678901234'})
        self.chair.click_commission_partner_id = principal
        tx = self._pay_click('INV-COMMISSION', TOTAL, invoice_ids=[self.invoice.id])
        self._run_cron()
        desk, chair = self._receipt(tx)['items']
        self.assertEqual(desk['CommissionInfo'], {'TIN': '123456789'})
        self.assertEqual(chair['CommissionInfo'], {'PINFL': '12345678901234'})

    def test_a_principal_needs_a_tin_or_pinfl(self):
        principal = self.env['res.partner'].create({'name': "No Tax ID"})
        with self.assertRaisesRegex(ValidationError, "TIN .9 digits. or PINFL .14 digits."):
            self.chair.click_commission_partner_id = principal
        principal.vat = 'UZ 301 234 567'
        self.chair.click_commission_partner_id = principal
        self.assertEqual(self.chair.product_tmpl_id._click_commission_info(), {'TIN': '301234567'})

    @MUTE
    def test_goods_under_marking_are_left_to_the_cash_register(self):
        self.chair.click_marking_required = True
        tx = self._pay_click('INV-MARKED', TOTAL, invoice_ids=[self.invoice.id])
        with self._spy_submit() as submit:
            self._run_cron()
        self.assertFalse(submit.called)
        self.assertEqual(tx.click_receipt_state, 'failed')
        self.assertIn("which an online payment does not know: Office chair.", tx.click_receipt_error)
        self.assertIn("cash register", self._activity().note)

    # === Faults === #

    @MUTE
    def test_a_timeout_is_retried_without_a_duplicate(self):
        tx = self._pay_click('INV-SLOW', TOTAL, invoice_ids=[self.invoice.id])
        self._set_emulator_fault('slow')
        provider_class = type(self.click)
        get_client = provider_class._click_get_merchant_client
        call = MerchantClient._call

        def call_then_wait(client, *args, **kwargs):
            """The emulator's answer comes after the client gave up; its request shares the test's database
            connection, so the cron goes on once it has ended (in production, Click is another server)."""
            try:
                return call(client, *args, **kwargs)
            finally:
                self._wait_remaining_requests(timeout=const.MERCHANT_API_TIMEOUT[1] + 5)

        with mute_logger('odoo.addons.payment_click.models.payment_transaction_fiscal'), \
                self._patch_client(provider_class, get_client), \
                patch.object(MerchantClient, '_call', call_then_wait):
            self._run_cron()
        self.assertEqual(tx.click_receipt_state, 'to_send')
        self.assertEqual(tx.click_receipt_attempts, 1)
        self.assertFalse(self._receipt(tx))
        self._set_emulator_fault('none')
        self._make_due()
        self._run_cron()
        self._assert_one_receipt(tx)

    def _patch_client(self, provider_class, get_client):
        return patch.object(provider_class, '_click_get_merchant_client', autospec=True,
                            side_effect=lambda provider: get_client(provider, timeout=(2, 2)))

    # === The month-end check === #

    @MUTE
    def test_the_month_end_list_shows_receipts_missing_failed_or_pending(self):
        issued = self._pay_click('INV-DONE', TOTAL, invoice_ids=[self.invoice.id])
        self._run_cron()
        other = self.invoice.copy()
        other.action_post()
        failed = self._pay_click('INV-FAIL', 10000.0, invoice_ids=[other.id])
        self._run_cron()
        third = self.invoice.copy()
        third.action_post()
        pending = self._pay_click('INV-WAIT', TOTAL, invoice_ids=[third.id])
        fourth = self.invoice.copy()
        fourth.action_post()
        missing = self._pay_click('INV-MISSING', TOTAL, invoice_ids=[fourth.id])
        missing.click_receipt_state = False  # paid before receipts were sent
        self.assertEqual((issued.click_receipt_state, failed.click_receipt_state, pending.click_receipt_state),
                         ('done', 'failed', 'to_send'))

        action = self.env.ref('payment_click.action_click_fiscal_receipts')
        pending_filter = self._filter_domain('payment.payment_transaction_search', 'click_receipt_pending')
        found = self.env['payment.transaction'].search(safe_eval(action.domain) + pending_filter)
        self.assertEqual(found, failed | pending | missing)
        invoices = self.env['account.move'].search(
            [('id', 'in', (self.invoice | other | third).ids)]
            + self._filter_domain('account.view_account_invoice_filter', 'click_receipt_pending'))
        self.assertEqual(invoices, other | third)
