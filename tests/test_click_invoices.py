"""Invoices by phone: Click bills the customer's phone and the customer pays in the Click app.

Everything goes through the real routes: the Merchant API's invoice/create of the test-mode emulator,
the emulated Click app page where the customer presses Pay or Decline, and Click's Prepare and
Complete that follow.
"""
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment_click import const
from odoo.addons.payment_click.emulator import click as emulator
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import MUTE, PHONE, ClickInvoiceCommon, ClickShopCommon


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
        self.assertEqual(tx.state, 'draft', "Click tells nobody of a declined invoice")
        self.assertEqual(invoice.payment_state, 'not_paid')
        self.assertEqual(self._emulated_invoice(tx).invoice_status, emulator.INVOICE_DELETED)
        status = invoice.action_click_invoice_status()
        self.assertIn("Deleted", status['params']['message'])
        self.assertEqual(tx.state, 'cancel', "a declined invoice cancels its payment, which pays nothing")
        self.assertIn("declined in the Click app", tx.state_message)
        self.assertEqual(invoice.payment_state, 'not_paid')

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

    # === Resend === #

    @MUTE
    def test_resend_withdraws_the_earlier_invoice_and_keeps_the_corrected_number(self):
        invoice = self._invoice()
        wizard = Form(self.env['payment.click.invoice.wizard'].with_context(
            active_model='account.move', active_ids=invoice.ids,
        ))
        with wizard.line_ids.edit(0) as line:
            line.phone = '+998 93 111 22 33'  # the accountant corrects the customer's number
        wizard.save().action_send()
        first = invoice.transaction_ids
        self.assertEqual(first.click_invoice_phone, '998931112233')

        resend = self._wizard(invoice)
        self.assertEqual(resend.line_ids.phone, '+998931112233', "Resend keeps the corrected number")
        resend.action_send()
        second = invoice.transaction_ids - first
        self.assertEqual((first.state, second.state), ('cancel', 'draft'), "the first request is withdrawn")
        self.assertIn("withdrawn", first.state_message)
        self.assertEqual(second.click_invoice_phone, '998931112233')
        invoice.invalidate_recordset()
        self.assertEqual((invoice.click_invoice_id, invoice.click_invoice_status), (second.click_invoice_id, 'waiting'))

        # The customer pays the first one: Click has no way to delete it, so it still waits in the app.
        response = self._click_app(first, 'pay')
        self.assertIn("The merchant refused the payment", response.text)
        self.assertIn("error -9", response.text)
        self.assertNotIn("You paid", response.text)
        self.assertEqual((first.state, second.state), ('cancel', 'draft'))
        self.assertEqual(invoice.payment_state, 'not_paid')
        activity = self.env['mail.activity'].search([('res_model', '=', 'account.move'), ('res_id', '=', invoice.id)])
        self.assertEqual(len(activity), 1)
        self.assertIn("withdrawn or cancelled in Odoo", activity.note)
        self.assertIn("no money was taken", activity.note)

        self._click_app(second, 'pay')
        self.assertEqual(second.state, 'done')
        second._post_process()
        invoice.invalidate_recordset()
        self.assertEqual(invoice.click_invoice_status, 'paid')

    @MUTE
    def test_a_paid_invoice_never_shows_a_cancelled_request(self):
        invoice = self._invoice()
        paying = self._send(invoice)
        other = self._create_click_tx(reference='INV-OTHER', invoice_ids=[invoice.id])  # e.g. from the portal
        other._click_send_invoice('+998 93 111 22 33')
        self._prepare_and_complete(other, error=emulator.CANCELLED_BY_CLICK, error_note='Success')  # Click cancels
        self.assertEqual(other.state, 'cancel')
        self._click_app(paying, 'pay')
        self.assertEqual(paying.state, 'done')
        paying._post_process()
        invoice.invalidate_recordset()
        self.assertIn(invoice.payment_state, ('paid', 'in_payment'))
        self.assertEqual(invoice.click_invoice_status, 'paid', "the accountant sees the request that paid it")
        self.assertEqual(invoice.click_invoice_id, paying.click_invoice_id)
        self.assertEqual(invoice.get_portal_last_transaction(), paying)
        portal = self.opener.get(self._build_url(invoice.get_portal_url()))
        self.assertEqual(portal.status_code, 200)
        self.assertNotIn("was cancelled", portal.text, "the customer sees no cancelled payment on a paid invoice")
        self.assertNotIn("Pay again", portal.text)

    # === A lost answer to invoice/create === #

    def _send_with_patience(self, invoice, seconds=2):
        """Send with a client that gives up after ``seconds``, and wait for the emulator to end its request."""
        provider_class = type(self.click)
        get_client = provider_class._click_get_merchant_client
        with patch.object(provider_class, '_click_get_merchant_client', autospec=True,
                          side_effect=lambda provider: get_client(provider, timeout=(seconds, seconds))):
            try:
                return self._wizard(invoice).action_send()
            finally:
                self._wait_remaining_requests(timeout=const.MERCHANT_API_TIMEOUT[1] + 5)

    @MUTE
    def test_a_lost_invoice_create_answer_keeps_the_request_and_its_payment_is_recorded(self):
        invoice = self._invoice()
        self._set_emulator_fault('slow')
        action = self._send_with_patience(invoice)
        self.assertIn("Not confirmed by Click", action['params']['message'])
        tx = invoice.transaction_ids
        self.assertEqual((tx.state, tx.click_invoice_phone, tx.click_invoice_id), ('draft', PHONE, False),
                         "the request stays on record, with its number")
        self.assertIn("did not say whether it sent the invoice", tx.state_message)
        activity = self.env['mail.activity'].search([('res_model', '=', 'account.move'), ('res_id', '=', invoice.id)])
        self.assertEqual(activity.summary, "Click invoice not confirmed")
        emulated = self.env['payment.click.emulator.invoice'].search([('merchant_trans_id', '=', tx.reference)])
        self.assertTrue(emulated, "Click created the invoice all the same")
        invoice.invalidate_recordset()
        self.assertEqual((invoice.click_invoice_phone, invoice.click_invoice_status), ('+' + PHONE, 'waiting'))

        self._set_emulator_fault('none')
        response = self._click_app(tx, 'pay', invoice_id=emulated.invoice_id)
        self.assertIn("You paid", response.text)
        self.assertEqual(tx.state, 'done', "the payment of the invoice finds its transaction")
        tx._post_process()
        self.assertIn(invoice.payment_state, ('paid', 'in_payment'))

    @MUTE
    def test_the_click_app_shows_the_merchants_refusal(self):
        client = self.click._click_get_merchant_client()
        answer = client.create_invoice(15000.0, PHONE, 'INV-FORGOTTEN')  # no transaction has this reference
        response = self._press_in_click_app(PHONE, str(answer['invoice_id']), 'pay')
        self.assertNotIn("You paid", response.text)
        self.assertIn("The merchant refused the payment", response.text)
        self.assertIn("error -5", response.text)
        emulated = self.env['payment.click.emulator.invoice'].search([('invoice_id', '=', str(answer['invoice_id']))])
        self.assertEqual(emulated.invoice_status, emulator.INVOICE_WAITING, "nothing was paid")
        payment = self.env['payment.click.emulator.payment'].search([('merchant_trans_id', '=', 'INV-FORGOTTEN')])
        self.assertEqual(payment.payment_status, emulator.CANCELLED_BY_CLICK, "no money moved")

    # === Declined invoices, noticed === #

    @MUTE
    def test_the_status_sync_cancels_an_invoice_declined_in_the_click_app(self):
        invoice = self._invoice()
        tx = self._send(invoice)
        waiting = self._create_click_tx(reference='INV-WAITING', invoice_ids=[self._invoice().id])
        waiting._click_send_invoice(PHONE)
        self._click_app(tx, 'decline')
        with self._door() as sources:
            self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(sources, ['invoice'], "Click's word on the invoice enters through the door")
        self.assertEqual(tx.state, 'cancel')
        self.assertIn("declined in the Click app", tx.state_message)
        self.assertEqual(waiting.state, 'draft', "an invoice still waiting stays so")
        self.assertEqual(invoice.payment_state, 'not_paid')

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


    @MUTE
    def test_checkout_checks_the_number_before_creating_the_payment(self):
        response = self.make_jsonrpc_request(ClickController._phone_url, {'phone': '93 111 22 33'})
        self.assertEqual(response, {'phone': '+998931112233'})
        message = self.opener.post(self._build_url(ClickController._phone_url), json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': {'phone': '+7 912 345 67 89'},
        }).json()['error']['data']['message']
        self.assertIn("Click invoices go to Uzbek mobile numbers", message)

    # === The status page, while the customer waits === #

    def _poll(self):
        return self.make_jsonrpc_request('/payment/status/poll')['state']

    @MUTE
    def test_the_status_page_notices_an_invoice_declined_in_the_click_app(self):
        tx = self._checkout_tx()
        self.make_jsonrpc_request(ClickController._invoice_url, {'reference': tx.reference, 'phone': PHONE})
        tx.invalidate_recordset()
        self.assertEqual(self._poll(), 'draft', "waiting in the Click app")
        tx.invalidate_recordset()
        self.assertTrue(tx.click_checked_date, "the page asked Click")
        self._click_app(tx, 'decline')
        tx.click_checked_date = fields.Datetime.now()  # as if asked a moment ago, however slow this machine is
        self.env.flush_all()
        self.assertEqual(self._poll(), 'draft', "asked Click a moment ago: not again yet")
        tx.invalidate_recordset()
        tx.click_checked_date -= const.CUSTOMER_CHECK_INTERVAL + timedelta(seconds=1)  # stored to the second
        self.env.flush_all()
        self.assertEqual(self._poll(), 'cancel')
        tx.invalidate_recordset()
        self.assertIn("declined in the Click app", tx.state_message)
        page = self.url_open('/payment/status').text
        self.assertIn("no money was taken", page)
        self.assertIn("declined in the Click app", page)

    @MUTE
    def test_the_status_page_settles_a_lost_complete_within_seconds(self):
        tx = self._checkout_tx()
        self.make_jsonrpc_request(ClickController._invoice_url, {'reference': tx.reference, 'phone': PHONE})
        tx.invalidate_recordset()
        self._set_emulator_fault('drop_complete')
        self._click_app(tx, 'pay')
        self.assertEqual((tx.state, bool(tx.click_prepare_date)), ('draft', True), "Prepare came, Complete did not")
        self.assertEqual(self._poll(), 'done', "the waiting customer's page asked Click")
        tx.invalidate_recordset()
        self.assertEqual(tx.state, 'done')

    @MUTE
    def test_the_status_sync_leaves_alone_a_payment_the_status_page_just_asked_about(self):
        tx = self._checkout_tx()
        self.make_jsonrpc_request(ClickController._invoice_url, {'reference': tx.reference, 'phone': PHONE})
        self._set_emulator_fault('drop_complete')
        self._click_app(tx, 'pay')
        tx.click_prepare_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        tx.click_checked_date = fields.Datetime.now()  # the status page is asking Click right now
        self.env.flush_all()
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'draft', "the status sync skips it")
        tx.click_checked_date -= const.CUSTOMER_CHECK_INTERVAL + timedelta(seconds=1)  # stored to the second
        self.env.flush_all()
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'done')


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

    @MUTE
    def test_an_invoice_declined_in_the_click_app_turns_the_status_page_to_cancelled(self):
        self.start_tour('/shop?search=Click%20Test%20Tea', 'payment_click_app_declined', login='admin')
        order = self.env['sale.order'].search([('order_line.product_id', '=', self.product.id)])
        tx = order.transaction_ids
        self.assertEqual(len(tx), 1, "the number refused first left no payment behind")
        self.assertEqual(tx.click_invoice_phone, '998931112233')
        self.assertEqual(tx.state, 'cancel')
        self.assertIn("declined in the Click app", tx.state_message)
        self.assertEqual(order.state, 'draft')
