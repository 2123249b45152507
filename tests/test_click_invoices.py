"""Invoices by phone: Click bills the customer's phone and the customer pays in the Click app.

Everything goes through the real routes: the Merchant API's invoice/create of the test-mode emulator,
the emulated Click app page where the customer presses Pay or Decline, and Click's Prepare and
Complete that follow.
"""
from urllib.parse import urlsplit

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.modules import module
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment_click.click_api import emulator
from odoo.addons.payment_click.controllers.emulator import ClickEmulatorController
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.controllers.emulator',
                   'odoo.addons.payment_click.controllers.emulator_merchant',
                   'odoo.addons.payment_click.click_api.merchant',
                   'odoo.http')
PHONE = '998901234567'


class ClickInvoiceCommon(ClickCommon):
    """What the customer does in the emulated Click app, over HTTP."""

    def _click_app(self, tx, outcome):
        """Open the Click app of the invoice's phone, press ``outcome`` on it, and let Click call Odoo."""
        app_url = self._build_url(ClickEmulatorController._app_url)
        page = self.opener.get(app_url, params={'phone': tx.click_invoice_phone})
        self.assertEqual(page.status_code, 200)
        self.assertIn(tx.click_invoice_id, page.text, "the invoice waits in the customer's Click app")
        response = self.opener.post(app_url, data={
            'phone': tx.click_invoice_phone, 'invoice_id': tx.click_invoice_id, 'outcome': outcome,
        })
        self.assertEqual(response.status_code, 200)
        self._wait_for_click()
        tx.invalidate_recordset()
        return response

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Let this server's code call the emulator on this server, as Click's separate servers would.

        HttpCase serves one request at a time on a shared test cursor, and only requests carrying the
        running test's cookie: the emulator's calls (invoice/create from a route, Prepare and Complete
        from the emulator's thread) get the cookie, and a route waiting for such an answer lets go of
        the cursor until the answer comes.
        """
        test = module.current_test
        cookies = r.headers.get('Cookie') or ''
        if test and test.http_request_key and TEST_CURSOR_COOKIE_NAME not in cookies \
                and urlsplit(r.url).hostname in (HOST, 'localhost'):
            test_cookie = f'{TEST_CURSOR_COOKIE_NAME}={test.http_request_key}'
            r.headers['Cookie'] = f'{cookies}; {test_cookie}' if cookies else test_cookie
        lock = cls.registry.test_lock
        if not lock._is_owned():
            return super()._request_handler(s, r, **kw)
        state = lock._release_save()
        try:
            return super()._request_handler(s, r, **kw)
        finally:
            lock._acquire_restore(state)

    def _emulated_invoice(self, tx):
        return self.env['payment.click.emulator.invoice'].search([('invoice_id', '=', tx.click_invoice_id)])

    def _send_from_checkout_refused(self, tx, phone):
        """Call the payment form's route, expect an error, and return its message as the form shows it."""
        response = self.opener.post(self._build_url(ClickController._invoice_url), json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': {'reference': tx.reference, 'phone': phone},
        }).json()
        self.assertIn('error', response, response)
        return response['error']['data']['message']


@tagged('post_install', '-at_install')
class TestClickInvoices(AccountPaymentCommon, ClickInvoiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']
        cls.partner_a.write({'mobile': '90 123 45 67', 'email': 'a@example.com'})
        cls.partner_b.write({'mobile': False, 'phone': '+998 (93) 765-43-21', 'email': 'b@example.com'})
        cls.partner_abroad = cls.env['res.partner'].create({'name': "Ivan", 'phone': '+7 912 345-67-89'})

    def _invoice(self, partner=None, amount=15000.0, currency=None):
        return self.init_invoice('out_invoice', partner=partner or self.partner_a, amounts=[amount],
                                 currency=currency or self.currency, post=True)

    def _wizard(self, invoices):
        return Form(self.env['payment.click.invoice.wizard'].with_context(
            active_model='account.move', active_ids=invoices.ids,
        )).save()

    def _send(self, invoice):
        wizard = self._wizard(invoice)
        wizard.action_send()
        return invoice.transaction_ids.filtered('click_invoice_id')

    # === The wizard === #

    @MUTE
    def test_the_wizard_sends_what_can_be_sent_and_says_why_not_for_the_rest(self):
        first, second = self._invoice(), self._invoice(partner=self.partner_b, amount=7000.0)
        in_dollars = self._invoice(currency=self.currency_usd)
        paid = self._invoice()
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=paid.ids).create(
            {'journal_id': self.company_data['default_journal_bank'].id},
        )._create_payments()
        abroad = self._invoice(partner=self.partner_abroad)

        wizard = self._wizard(first + second + in_dollars + paid + abroad)
        self.assertEqual(wizard.provider_id, self.click)
        lines = {line.invoice_id: line for line in wizard.line_ids}
        self.assertEqual(lines[first].phone, '+998901234567', "the partner's mobile, normalised")
        self.assertEqual(lines[second].phone, '+998937654321', "the partner's phone when there is no mobile")
        self.assertEqual(lines[second].amount, 7000.0)
        self.assertFalse(lines[first].skip_reason)
        self.assertFalse(lines[second].skip_reason)
        self.assertIn("so'm only", lines[in_dollars].skip_reason)
        self.assertIn("nothing left to pay", lines[paid].skip_reason)
        self.assertIn("Uzbek mobile numbers", lines[abroad].skip_reason)
        self.assertIn('+7 912 345-67-89', lines[abroad].skip_reason)

        action = wizard.action_send()
        message = action['params']['message']
        for invoice in (first, second):
            tx = invoice.transaction_ids
            self.assertEqual(len(tx), 1)
            self.assertEqual((tx.state, tx.provider_id, tx.amount, tx.currency_id), ('draft', self.click,
                                                                                     invoice.amount_residual,
                                                                                     self.currency))
            self.assertEqual(tx.payment_method_id.code, 'click_app')
            emulated = self._emulated_invoice(tx)
            self.assertEqual(emulated.merchant_trans_id, tx.reference)
            self.assertEqual(emulated.amount, tx.amount)
            self.assertEqual(emulated.phone_number, tx.click_invoice_phone)
            self.assertEqual(emulated.invoice_status, emulator.INVOICE_WAITING)
            self.assertEqual(invoice.click_invoice_status, 'waiting')
            self.assertIn(tx.click_invoice_id, invoice.message_ids[0].body)
            self.assertIn(invoice.name, message)
        self.assertEqual(first.transaction_ids.click_invoice_phone, PHONE)
        self.assertEqual(second.transaction_ids.click_invoice_phone, '998937654321')
        for skipped in (in_dollars, paid, abroad):
            self.assertFalse(skipped.transaction_ids.filtered(lambda tx: tx.provider_id == self.click))
            self.assertIn(skipped.name, message.split("Skipped:")[1])

    @MUTE
    def test_a_billing_user_sends_and_checks_click_invoices(self):
        """Billing users may not read payment providers: the wizard and the buttons read theirs in sudo."""
        billing = new_test_user(self.env, login='click_invoicer', groups='account.group_account_invoice',
                                company_id=self.env.company.id)
        invoice = self._invoice().with_user(billing)
        wizard = Form(self.env['payment.click.invoice.wizard'].with_user(billing).with_context(
            active_model='account.move', active_ids=invoice.ids,
        )).save()
        self.assertEqual(wizard.provider_id, self.click)
        wizard.action_send()
        tx = invoice.transaction_ids
        self.assertEqual((tx.state, tx.click_invoice_phone), ('draft', PHONE))
        self.assertIn("Waiting", invoice.action_click_invoice_status()['params']['message'])
        self._set_emulator_fault('drop_complete')
        self._click_app(tx, 'pay')
        self.assertIn("Paid", invoice.action_click_invoice_status()['params']['message'])
        self.assertEqual(tx.state, 'done', "Click's word applied for the billing user")

    def test_the_wizard_with_nothing_to_send_says_why(self):
        in_dollars = self._invoice(currency=self.currency_usd)
        with self.assertRaisesRegex(UserError, "No invoice can be sent: .*in USD; Click takes so'm only"):
            self._wizard(in_dollars).action_send()

    @MUTE
    def test_paying_in_the_click_app_pays_the_invoice(self):
        invoice = self._invoice()
        tx = self._send(invoice)
        response = self._click_app(tx, 'pay')
        self.assertIn("You paid invoice", response.text)
        self.assertEqual(tx.state, 'done')
        self.assertEqual(self._emulated_invoice(tx).invoice_status, emulator.INVOICE_PAID)
        tx._post_process()
        self.assertIn(invoice.payment_state, ('paid', 'in_payment'))
        invoice.invalidate_recordset()
        self.assertEqual(invoice.click_invoice_status, 'paid')

    @MUTE
    def test_declining_in_the_click_app_leaves_the_invoice_unpaid(self):
        invoice = self._invoice()
        tx = self._send(invoice)
        self._click_app(tx, 'decline')
        self.assertEqual(tx.state, 'draft')
        self.assertEqual(invoice.payment_state, 'not_paid')
        self.assertEqual(self._emulated_invoice(tx).invoice_status, emulator.INVOICE_DELETED)
        status = invoice.action_click_invoice_status()
        self.assertIn("Deleted", status['params']['message'])
        self.assertEqual(tx.state, 'draft', "Click's invoice status alone never settles a payment")

    @MUTE
    def test_check_status_recovers_an_invoice_paid_whose_complete_was_lost(self):
        invoice = self._invoice()
        tx = self._send(invoice)
        self._set_emulator_fault('drop_complete')
        self._click_app(tx, 'pay')
        self.assertEqual(tx.state, 'draft')
        message = invoice.action_click_invoice_status()['params']['message']
        self.assertIn("Paid", message)
        self.assertEqual(tx.state, 'done', message)

    @MUTE
    def test_check_status_when_click_cannot_be_reached_says_so(self):
        tx = self._send(invoice := self._invoice())
        self._set_emulator_fault('http_500')
        with self.assertRaisesRegex(UserError, "Click could not be asked about its invoice.*500"):
            invoice.action_click_invoice_status()
        self.assertEqual(tx.state, 'draft')

    @MUTE
    def test_a_click_refusal_records_nothing(self):
        invoice = self._invoice()
        self._set_emulator_fault('business_error')
        with self.assertRaisesRegex(UserError, "Click did not send the invoice.*Emulated refusal"):
            self._wizard(invoice).action_send()
        self.assertFalse(invoice.transaction_ids, "no transaction is left behind")
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([]))

        tx = self._create_click_tx(reference='INV-REFUSED', invoice_ids=[invoice.id])
        with self.assertRaisesRegex(UserError, "Emulated refusal"):
            tx._click_send_invoice(PHONE)
        self.assertFalse(tx.click_invoice_id)
        self.assertFalse(tx.click_invoice_phone)
        self.assertEqual(tx.state, 'draft')

    @MUTE
    def test_among_several_invoices_a_refusal_leaves_a_todo_and_the_others_go_on(self):
        first = self._invoice()
        too_big = self._invoice(partner=self.partner_b, amount=float(emulator.MAX_AMOUNT) * 2)  # Click refuses it
        action = self._wizard(first + too_big).action_send()
        self.assertTrue(first.transaction_ids.click_invoice_id)
        self.assertFalse(too_big.transaction_ids, "no transaction is left behind")
        self.assertIn("Not sent, see their to-dos", action['params']['message'])
        self.assertIn(too_big.name, action['params']['message'])
        activity = self.env['mail.activity'].search([('res_model', '=', 'account.move'), ('res_id', '=', too_big.id)])
        self.assertEqual(activity.summary, "Click invoice not sent")
        self.assertIn("amount must be a positive number", activity.note)
        self.assertIn("amount must be a positive number", too_big.message_ids[0].body)

    @MUTE
    def test_an_invoice_is_sent_once_per_payment(self):
        tx = self._send(self._invoice())
        with self.assertRaisesRegex(UserError, "already sent"):
            tx._click_send_invoice(PHONE)
        self.assertEqual(self.env['payment.click.emulator.invoice'].search_count([]), 1)

    # === Phone numbers === #

    def test_uzbek_numbers_are_normalised_for_click(self):
        normalise = self.env['payment.transaction']._click_normalize_phone
        for number in ('90 123 45 67', '+998 90 123-45-67', '998901234567', '+998901234567', '(90) 123-45-67'):
            self.assertEqual(normalise(number), PHONE, number)

    def test_other_numbers_are_refused_with_what_click_takes(self):
        normalise = self.env['payment.transaction']._click_normalize_phone
        for number in ('+7 912 345-67-89', '+1 555 555 5555', '12345', '90 123 45', 'Tashkent'):
            with self.assertRaisesRegex(UserError, r"Uzbek mobile numbers \(\+998"):
                normalise(number)
        with self.assertRaisesRegex(UserError, "Enter the Uzbek mobile number"):
            normalise('  ')

    # === Checkout: the /payment/click/invoice route === #

    def _checkout_tx(self):
        """A Click app payment started from the payment form, in this test's browser session."""
        processing_values = self._get_processing_values(
            **self._prepare_transaction_values(self.env.ref('payment_click.payment_method_click_app').id, None,
                                               'direct'),
        )
        self.assertNotIn('redirect_form_html', processing_values, "no button to Click's page")
        return self.env['payment.transaction'].search([('reference', '=', processing_values['reference'])])

    @MUTE
    def test_checkout_sends_the_invoice_to_the_number_typed(self):
        tx = self._checkout_tx()
        self.assertEqual(tx.operation, 'online_direct')
        answer = self.make_jsonrpc_request(ClickController._invoice_url,
                                           {'reference': tx.reference, 'phone': '+998 90 123-45-67'})
        self.assertEqual(answer, {'status_url': '/payment/status'})
        tx.invalidate_recordset()
        self.assertEqual(tx.click_invoice_phone, PHONE)
        self.assertEqual(self._emulated_invoice(tx).merchant_trans_id, tx.reference)
        status_page = self.url_open('/payment/status').text
        self.assertIn("in the Click app on +998901234567", status_page)
        self._click_app(tx, 'pay')
        self.assertEqual(tx.state, 'done')

    @MUTE
    def test_checkout_with_a_foreign_number_says_so_and_sends_nothing(self):
        tx = self._checkout_tx()
        message = self._send_from_checkout_refused(tx, '+7 912 345 67 89')
        self.assertIn("Click invoices go to Uzbek mobile numbers", message)
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([]))
        tx.invalidate_recordset()
        self.assertFalse(tx.click_invoice_id)

    @MUTE
    def test_checkout_when_click_refuses_says_what_click_answered(self):
        tx = self._checkout_tx()
        self._set_emulator_fault('business_error')
        message = self._send_from_checkout_refused(tx, PHONE)
        self.assertIn("Emulated refusal", message)
        tx.invalidate_recordset()
        self.assertFalse(tx.click_invoice_id)
        self.assertEqual(tx.state, 'draft')

    @MUTE
    def test_only_the_session_that_started_the_payment_may_send_it(self):
        tx = self._checkout_tx()
        self.authenticate(None, None)  # another visitor, who guessed the reference
        message = self._send_from_checkout_refused(tx, PHONE)
        self.assertIn("start it again", message)
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([]))
        self.assertNotEqual(self.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY), tx.id)


class ClickShopCommon(ClickInvoiceCommon):
    """A shop selling "Click Test Tea" in so'm, and its admin as a customer with an Uzbek address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env['ir.module.module']._get('website_sale').state != 'installed':
            raise AssertionError("website_sale must be installed to run this test (tools/test.sh installs it)")
        website = cls.env['website'].get_current_website()
        website.company_id = cls.env.company
        pricelist = cls.env['product.pricelist'].create({
            'name': "So'm", 'currency_id': cls.currency.id, 'website_id': website.id, 'sequence': 1,
        })
        cls.product = cls.env['product.product'].create({
            'name': "Click Test Tea", 'type': 'service', 'list_price': 15000.0, 'taxes_id': [Command.clear()],
            'website_published': True,
        })
        pricelist.item_ids = [Command.create({
            'applied_on': '0_product_variant', 'product_id': cls.product.id,
            'compute_price': 'fixed', 'fixed_price': 15000.0,
        })]
        cls.env.ref('base.user_admin').partner_id.write({
            'property_product_pricelist': pricelist.id, 'street': "Amir Temur 1", 'city': "Tashkent",
            'zip': '100000', 'country_id': cls.env.ref('base.uz').id, 'email': 'admin@example.com',
            'phone': '+998 71 200 00 00',
        })

    def setUp(self):
        self.enable_post_process_patcher = False  # The order is confirmed by the real post-processing.
        super().setUp()


@tagged('post_install', '-at_install', 'is_tour')
class TestClickAppCheckout(ClickShopCommon):
    """The shop's checkout, in a browser: the customer chooses "Click app" and types a phone number."""

    @MUTE
    def test_checkout_pays_in_the_click_app(self):
        self.start_tour('/shop?search=Click%20Test%20Tea', 'payment_click_app_checkout', login='admin')
        tx = self.env['payment.transaction'].search([('click_invoice_id', '!=', False)])
        self.assertEqual(tx.click_invoice_phone, PHONE)
        order = tx.sale_order_ids
        self.assertEqual((tx.state, order.state), ('draft', 'draft'))

        self._click_app(tx, 'pay')  # The customer pays in the Click app, on the phone.
        self.assertEqual(tx.state, 'done')
        # The status page the customer left open polls, which post-processes the payment.
        self.assertEqual(self.make_jsonrpc_request('/payment/status/poll')['state'], 'done')
        self.assertEqual(order.state, 'sale')
        self.assertIn("Your payment has been successfully processed", self.url_open('/payment/status').text)
