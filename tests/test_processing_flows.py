"""The customer's whole path: portal invoice → Click emulator → paid, reconciled invoice."""
import time

from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon


@tagged('post_install', '-at_install')
class TestProcessingFlows(AccountPaymentCommon, ClickCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']
        cls.customer_invoice = cls.init_invoice(
            'out_invoice', partner=cls.partner_a, amounts=[15000.0], currency=cls.currency, post=True,
        )

    def _pay_invoice_on_the_portal(self, invoice, outcome):
        """Do what the customer's browser does, from the invoice's Pay Now to the status page."""
        self.authenticate(None, None)
        processing_values = self.make_jsonrpc_request(
            self._build_url(f'/invoice/transaction/{invoice.id}'), {
                'access_token': invoice._portal_ensure_token(),
                'provider_id': self.click.id,
                'payment_method_id': self.payment_method_id,
                'token_id': None,
                'amount': invoice.amount_residual,
                'flow': 'redirect',
                'tokenization_requested': False,
                'landing_route': invoice.get_portal_url(),
            },
        )
        button = self._extract_values_from_html_form(processing_values['redirect_form_html'])
        page = self.opener.get(button['action'], params=button['inputs'])
        self.assertEqual(page.status_code, 200)
        self.assertIn(format_amount(self.env, invoice.amount_residual, invoice.currency_id), page.text)
        self.assertIn('Invoice:', page.text)
        self.assertIn(processing_values['reference'], page.text)
        landed = self.opener.post(button['action'], data=dict(button['inputs'], outcome=outcome))
        self.assertEqual(landed.status_code, 200)
        self.assertTrue(landed.url.endswith('/payment/status'), landed.url)
        # The emulator calls Prepare and Complete on its own, as Click does; the page polls. The
        # test keeps off the database meanwhile: HTTP requests share its connection.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = self.make_jsonrpc_request(self._build_url('/payment/status/poll'), {})
            if status['state'] in ('done', 'cancel'):
                break
            time.sleep(0.2)
        self._wait_for_click()  # the status page may turn before Click's Complete has been answered
        return self._get_tx(processing_values['reference']), status

    def test_paying_an_invoice_through_click_leaves_a_posted_reconciled_payment(self):
        tx, status = self._pay_invoice_on_the_portal(self.customer_invoice, 'pay')
        self.assertEqual(status['state'], 'done')
        self.assertEqual(status['landing_route'], self.customer_invoice.get_portal_url())
        self.assertRegex(tx.reference, r'^[A-Za-z0-9_.-]+$')
        payment = tx.payment_id
        self.assertTrue(payment, "post-processing creates the payment")
        self.assertEqual(payment.move_id.state, 'posted')
        self.assertEqual(payment.journal_id, self.company_data['default_journal_bank'])
        self.assertEqual(payment.currency_id, self.currency)
        self.assertEqual(payment.amount, 15000.0)
        self.assertIn(tx.provider_reference, payment.memo)
        self.assertIn(tx.click_trans_id, payment.memo)
        self.assertIn(self.customer_invoice.payment_state, ('paid', 'in_payment'))
        self.assertFalse(self.customer_invoice.amount_residual)

    def test_declined_payment_cancels_and_leaves_the_invoice_unpaid(self):
        tx, status = self._pay_invoice_on_the_portal(self.customer_invoice, 'decline')
        self.assertEqual(status['state'], 'cancel')
        # Click's Complete says why; the status page may have asked Click's payment status first.
        self.assertRegex(tx.state_message, "Payment declined|as Click's payment status reports")
        self.assertNotIn('Success', tx.state_message)
        self.assertFalse(tx.payment_id)
        self.assertEqual(self.customer_invoice.payment_state, 'not_paid')
        self.assertTrue(self.customer_invoice._has_to_be_paid(), "the customer can try again")
        page = self.opener.get(self._build_url('/payment/status'))
        self.assertIn("no money was taken", page.text)
        self.assertIn("Pay again:", page.text)
        self.assertIn(self.customer_invoice.name, page.text)
        self.assertIn(self.customer_invoice.access_url, page.text)

    @mute_logger('odoo.addons.payment_click.models.payment_transaction')
    def test_an_invoice_cannot_be_paid_twice(self):
        """Two Click attempts for one invoice: once the first is paid, the second Prepare says -4."""
        first = self._create_click_tx(reference='INV-1', invoice_ids=[self.customer_invoice.id])
        second = self._create_click_tx(reference='INV-1-1', invoice_ids=[self.customer_invoice.id])
        client = self._click_client()
        self._prepare_and_complete(first)
        self.assertAnswer(client.prepare(second.reference, second.amount), ShopError.ALREADY_PAID)
        self.assertEqual(second.state, 'draft')

    @mute_logger('odoo.addons.payment_click.models.payment_transaction')
    def test_a_cancelled_invoice_is_not_payable(self):
        tx = self._create_click_tx(reference='INV-2', invoice_ids=[self.customer_invoice.id])
        self.customer_invoice.button_draft()
        self.customer_invoice.button_cancel()
        self.assertAnswer(self._click_client().prepare(tx.reference, tx.amount),
                               ShopError.TRANSACTION_CANCELLED)

    def test_emulator_refuses_providers_outside_test_mode(self):
        tx = self._create_click_tx()
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        self.click.state = 'enabled'
        with mute_logger('odoo.addons.payment_click.emulator.controllers.main'):
            page = self.opener.get(button['action'], params=button['inputs'])
            paid = self.opener.post(button['action'], data=dict(button['inputs'], outcome='pay'))
        self.assertEqual(page.status_code, 404)
        self.assertIn('test mode', page.text)
        self.assertEqual(paid.status_code, 404)
        self.assertEqual(tx.state, 'draft')

    def test_a_return_url_without_its_signature_says_the_link_is_not_valid(self):
        response = self.opener.get(self._build_url(ClickController._return_url), allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("This payment link is not valid, or it has expired.", response.text)
