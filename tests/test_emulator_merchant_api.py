"""The test-mode emulator's Merchant API and Click app, driven over HTTP by the real Merchant API client."""
import time
from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import BaseCase, tagged
from odoo.tools import format_amount, mute_logger

from odoo.addons.payment_click import const
from odoo.addons.payment_click.emulator.click import (
    CANCELLED_BY_CLICK,
    DECLINED_NOTE,
    INVOICE_DELETED,
    INVOICE_PAID,
    INVOICE_WAITING,
    PAYMENT_REVERSED,
    MerchantCode,
    MerchantRefusal,
    decide_reversal,
    read_amount,
    read_phone,
    tashkent_time,
)
from odoo.addons.payment_click.click_api.merchant import (
    MerchantBusinessError,
    MerchantHttpError,
    MerchantTransportError,
    check_auth,
    merchant_auth_header,
)
from odoo.addons.payment_click.click_api.shop import PAYMENT_SUCCESSFUL
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import OK, PHONE, SECRET_KEY, MerchantEmulatorCase


@tagged('post_install', '-at_install')
class TestEmulatorMerchantApi(MerchantEmulatorCase):

    # === Invoices and the Click app === #

    def test_an_invoice_paid_in_the_click_app_completes_the_transaction(self):
        tx = self._create_click_tx()
        invoice_id = self._send_invoice(tx.reference, tx.amount)
        self.assertEqual(self._call(self.api.invoice_status, invoice_id),
                         dict(OK, invoice_status=INVOICE_WAITING, invoice_status_note='Waiting'))
        page = self._open_app()
        for shown in (tx.reference, str(invoice_id), format_amount(self.env, tx.amount, tx.currency_id),
                      self.click.company_id.name):
            self.assertIn(shown, page)
        page = self._answer_in_app(invoice_id, 'pay')
        self.assertIn(f"You paid invoice {invoice_id}", page)
        self.assertNotIn('name="invoice_id"', page, "the paid invoice is no longer listed")
        self.assertEqual(self._call(self.api.invoice_status, invoice_id)['invoice_status'], INVOICE_PAID)
        self.assertEqual(tx.state, 'done', "Click's Prepare and Complete went through")
        self.assertRecordValues(self._payments(tx.reference), [{
            'provider_id': self.click.id, 'payment_id': tx.provider_reference, 'click_trans_id': tx.click_trans_id,
            'amount': 15000.0, 'payment_status': PAYMENT_SUCCESSFUL, 'status_note': 'Successful',
        }])

    def test_a_declined_invoice_is_deleted_and_nothing_is_charged(self):
        tx = self._create_click_tx()
        invoice_id = self._send_invoice(tx.reference, tx.amount)
        page = self._answer_in_app(invoice_id, 'decline')
        self.assertIn(f"You declined invoice {invoice_id}", page)
        answer = self._call(self.api.invoice_status, invoice_id)
        self.assertEqual(answer['invoice_status'], INVOICE_DELETED)
        self.assertIn('Deleted', answer['invoice_status_note'])
        self.assertFalse(self._payments(tx.reference), "Click never charges a declined invoice")
        self.assertEqual(tx.state, 'draft')
        self.assertFalse(tx.provider_reference, "no Prepare was sent")
        self.assertIn("is not waiting for payment", self._answer_in_app(invoice_id, 'pay'))

    def test_the_click_app_lists_the_waiting_invoices_of_one_phone(self):
        self._send_invoice('APP-MINE', 1000.0)
        self._send_invoice('APP-OTHER', 2000.0, phone='998911112233')
        page = self._open_app('+998 90 123-45-67')
        self.assertIn('APP-MINE', page)
        self.assertNotIn('APP-OTHER', page)
        self.assertIn("No invoice is waiting", self._open_app('998900000000'))
        self.assertIn("12 digits starting with 998", self._open_app('12345'))

    def test_the_click_app_serves_test_mode_only(self):
        self._send_invoice('APP-MINE')
        self.click.state = 'enabled'
        with mute_logger('odoo.addons.payment_click.emulator.controllers.main'):
            page = self.opener.get(self._build_url(ClickEmulatorController._app_url), params={'phone': PHONE})
        self.assertEqual(page.status_code, 404)
        self.assertNotIn('APP-MINE', page.text)

    @mute_logger('odoo.addons.payment_click.models.payment_transaction')
    def test_a_refused_prepare_records_a_cancelled_payment(self):
        invoice_id = self._send_invoice('NO-SUCH-ORDER')
        self._answer_in_app(invoice_id, 'pay')
        payment = self._payments('NO-SUCH-ORDER')
        self.assertEqual(payment.payment_status, CANCELLED_BY_CLICK, "Click debits nothing without a Prepare")
        self.assertIn("error -5", payment.status_note)

    # === Payments played on the payment page === #

    def test_the_payment_page_records_its_payments(self):
        paid = self._create_click_tx(reference='PAGE-PAID')
        declined = self._create_click_tx(reference='PAGE-DECLINED')
        self._answer_on_payment_page(paid, 'pay')
        self._answer_on_payment_page(declined, 'decline')
        self.assertEqual((paid.state, declined.state), ('done', 'cancel'))
        self.assertRecordValues(self._payments(paid.reference) + self._payments(declined.reference), [
            {'payment_id': paid.provider_reference, 'payment_status': PAYMENT_SUCCESSFUL, 'status_note': 'Successful'},
            {'payment_id': declined.provider_reference, 'payment_status': CANCELLED_BY_CLICK,
             'status_note': DECLINED_NOTE},
        ])

    # === Payment status === #

    def test_payment_status_by_id_and_by_reference(self):
        payment = self._emulated_payment()
        self._emulated_payment(payment_status=CANCELLED_BY_CLICK)  # a later, failed attempt
        payment_id = int(payment.payment_id)
        expected = dict(OK, payment_id=payment_id, payment_status=PAYMENT_SUCCESSFUL)
        self.assertEqual(self._call(self.api.payment_status, payment_id), expected)
        today = tashkent_time(fields.Datetime.now()).date()
        by_reference = dict(expected, merchant_trans_id=self.reference)
        self.assertEqual(self._call(self.api.payment_status_by_mti, self.reference, today), by_reference)
        self.assertEqual(self._call(
            self.api._call, 'GET', f'payment/status_by_mti/{self.api.service_id}/{self.reference}',
        ), by_reference, "SPEC §11 F: the form without the date")
        refusal = self._refusal(MerchantBusinessError, self.api.payment_status_by_mti, self.reference,
                                today - timedelta(days=1))
        self.assertEqual(refusal.error_code, MerchantCode.NOT_FOUND)

    def test_an_unknown_invoice_or_payment_is_refused(self):
        for method in (self.api.invoice_status, self.api.payment_status, self.api.reverse_payment):
            refusal = self._refusal(MerchantBusinessError, method, 404404)
            self.assertEqual(refusal.error_code, MerchantCode.NOT_FOUND)
            self.assertIn("404404", refusal.error_note)

    # === Reversals === #

    def test_a_payment_is_reversed_once(self):
        payment = self._emulated_payment()
        self.assertEqual(self._call(self.api.reverse_payment, payment.payment_id),
                         dict(OK, payment_id=int(payment.payment_id)))
        self.assertEqual(self._call(self.api.payment_status, payment.payment_id)['payment_status'], PAYMENT_REVERSED)
        self.assertEqual(payment.status_note, 'Reversed')
        refusal = self._refusal(MerchantBusinessError, self.api.reverse_payment, payment.payment_id)
        self.assertEqual(refusal.error_code, MerchantCode.NOT_REVERSIBLE)
        self.assertIn("already reversed", refusal.error_note)

    def test_a_payment_outside_clicks_reversal_window_is_not_reversed(self):
        payment = self._emulated_payment(payment_date=fields.Datetime.now() - relativedelta(months=2))
        refusal = self._refusal(MerchantBusinessError, self.api.reverse_payment, payment.payment_id)
        self.assertEqual(refusal.error_code, MerchantCode.NOT_REVERSIBLE)
        self.assertIn("current month", refusal.error_note)
        self.assertEqual(payment.payment_status, PAYMENT_SUCCESSFUL)

    def test_only_a_successful_payment_is_reversed(self):
        payment = self._emulated_payment(payment_status=CANCELLED_BY_CLICK)
        refusal = self._refusal(MerchantBusinessError, self.api.reverse_payment, payment.payment_id)
        self.assertEqual(refusal.error_code, MerchantCode.NOT_REVERSIBLE)

    def test_partial_reversals_take_back_at_most_the_payment(self):
        payment = self._emulated_payment()
        self.assertEqual(self._call(self.api.partial_reverse_payment, payment.payment_id, 5000), OK)
        self.assertRecordValues(payment, [{'payment_status': PAYMENT_SUCCESSFUL, 'reversed_amount': 5000.0}])
        refusal = self._refusal(MerchantBusinessError, self.api.partial_reverse_payment, payment.payment_id,
                                10000.01)
        self.assertEqual(refusal.error_code, MerchantCode.INCORRECT_AMOUNT)
        self.assertIn("10000.00 so'm", refusal.error_note)
        self._call(self.api.partial_reverse_payment, payment.payment_id, 10000)
        self.assertRecordValues(payment, [{'payment_status': PAYMENT_REVERSED, 'reversed_amount': 15000.0}])

    # === Authentication and bad requests === #

    def test_a_wrong_secret_or_user_is_refused_with_401(self):
        for credentials in ({'secret_key': 'WRONG_SECRET'}, {'merchant_user_id': '9999'}):
            refusal = self._refusal(MerchantHttpError, self._client_with(**credentials).invoice_status, 1)
            self.assertEqual(refusal.status, 401)
            self.assertIn("Authentication failed", refusal.error_note)

    def test_a_timestamp_more_than_300_seconds_off_is_refused_with_401(self):
        # Clear of the edge: the header's timestamp is whole seconds, and the call itself takes time.
        for offset in (-305, 305):
            client = self._client_with(clock=lambda offset=offset: time.time() + offset)
            refusal = self._refusal(MerchantHttpError, client.invoice_status, 1)
            self.assertEqual(refusal.status, 401)
            self.assertIn("300 seconds", refusal.error_note)
        client = self._client_with(clock=lambda: time.time() - 290)
        self.assertEqual(self._refusal(MerchantBusinessError, client.invoice_status, 1).error_code,
                         MerchantCode.NOT_FOUND, "a clock a little off passes")

    def test_an_unknown_service_or_method_answers_404(self):
        refusal = self._refusal(MerchantHttpError, self._client_with(service_id=99999).invoice_status, 1)
        self.assertEqual(refusal.status, 404)
        self.assertIn("99999", refusal.error_note)
        for method, path in (('GET', 'no/such/method'), ('GET', 'invoice/create')):
            refusal = self._refusal(MerchantHttpError, self.api._call, method, path)
            self.assertEqual(refusal.status, 404)
            self.assertIn(f"{method} {path}", refusal.error_note)
        self.click.state = 'enabled'
        refusal = self._refusal(MerchantHttpError, self.api.invoice_status, 1)
        self.assertEqual(refusal.status, 404)
        self.assertIn("test mode", refusal.error_note)

    def test_malformed_values_answer_400(self):
        payment = self._emulated_payment()
        service_id = self.api.service_id
        for method, args, named in (
            (self.api.create_invoice, (15000, '12345', 'S1'), 'phone_number'),
            (self.api.create_invoice, (0, PHONE, 'S1'), 'amount'),
            (self.api.create_invoice, (15000, PHONE, ''), 'merchant_trans_id'),
            (self.api._call, ('GET', f'payment/status/{service_id}/12x'), 'payment_id'),
            (self.api._call, ('GET', f'invoice/status/{service_id}/0'), 'invoice_id'),
            (self.api._call, ('GET', f'payment/status_by_mti/{service_id}/S1/2024-13-01'), 'date'),
            (self.api._call, ('DELETE', f'payment/partial_reversal/{service_id}/{payment.payment_id}/-5'), 'amount'),
        ):
            refusal = self._refusal(MerchantHttpError, method, *args)
            self.assertEqual((refusal.status, named in refusal.error_note), (400, True), refusal.error_note)
        timestamp = int(time.time())
        response = self.api.session.post(self.api.base_url + 'invoice/create', data='{"service_id": 1', headers={
            'Auth': merchant_auth_header(self.api.merchant_user_id, SECRET_KEY, timestamp),
        })
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {'error_code': MerchantCode.BAD_REQUEST,
                                           'error_note': "The body must be a JSON object."})

    # === Fault switch === #

    def test_the_fault_switch_is_the_emulators_own_setting_for_providers_in_test_mode(self):
        self.assertNotIn('click_emulator_fault', self.env['payment.provider']._fields, "not on the provider's form")
        disabled = self.click.copy({'name': "Click off", 'click_service_id': '70001'})
        services = self.env['payment.click.emulator.service']
        action = services._action_open_settings()
        listed = services.search(action['domain'])
        self.assertIn(self.click, listed.provider_id, "each Click provider in test mode gets its line")
        self.assertEqual(disabled.state, 'disabled')
        self.assertNotIn(disabled, listed.provider_id, "the emulator serves providers in test mode only")
        listed.filtered(lambda service: service.provider_id == self.click).fault = 'http_500'
        self.env.flush_all()
        self.assertEqual(self._refusal(MerchantHttpError, self.api.invoice_status, 1).status, 500)

    def test_fault_http_500(self):
        self._set_emulator_fault('http_500')
        refusal = self._refusal(MerchantHttpError, self.api.invoice_status, 1)
        self.assertEqual(refusal.status, 500)
        self.assertEqual(refusal.error_note, "Emulated internal server error")

    def test_fault_http_401(self):
        self._set_emulator_fault('http_401')
        self.assertEqual(self._refusal(MerchantHttpError, self.api.invoice_status, 1).status, 401)

    def test_fault_business_error(self):
        self._set_emulator_fault('business_error')
        refusal = self._refusal(MerchantBusinessError, self.api.create_invoice, 15000, PHONE, 'S1')
        self.assertEqual(refusal.error_code, MerchantCode.FAILED)
        self.assertTrue(refusal.error_note.startswith("Emulated refusal: "), refusal.error_note)
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([]))

    def test_fault_slow_outlasts_the_clients_patience(self):
        self._set_emulator_fault('slow')
        client = self._merchant_client(timeout=(2, 2))
        with self.assertRaises(MerchantTransportError) as caught:
            try:
                self._call(client.invoice_status, 1)
            finally:
                # The emulator's request goes on in this test's transaction: it must end before
                # assertRaises rolls back to its savepoint.
                self._wait_remaining_requests(timeout=const.MERCHANT_API_TIMEOUT[1] + 5)
        self.assertTrue(caught.exception.timeout)

    def test_fault_drop_complete_debits_but_never_completes(self):
        self._set_emulator_fault('drop_complete')
        tx = self._create_click_tx()
        self._answer_on_payment_page(tx, 'pay')
        self.assertEqual(tx.state, 'draft', "Prepare came, Complete never did")
        payment = self._payments(tx.reference)
        self.assertRecordValues(payment, [{'payment_id': tx.provider_reference, 'payment_status': PAYMENT_SUCCESSFUL}])
        self.assertEqual(self._call(self.api.payment_status, payment.payment_id)['payment_status'], PAYMENT_SUCCESSFUL,
                         "the Merchant API still knows the payment")


@tagged('post_install', '-at_install', 'click_unit')
class TestEmulatorRules(BaseCase):
    """The emulator's pure rules, without HTTP."""

    def test_auth_header_check(self):
        """SPEC §7.2, with the worked vector."""
        header = '4321:aae4d334acadd3224943b9e05ec198c85fac7ba0:1714987805'
        for now in (1714987805 - 300, 1714987805 + 300):
            self.assertIsNone(check_auth(header, '4321', 'TEST_SECRET', now))
        self.assertIn("300 seconds", check_auth(header, '4321', 'TEST_SECRET', 1714987805 + 301))
        self.assertIn("secret key", check_auth(header, '4321', 'OTHER_SECRET', 1714987805))
        self.assertIn("not this service's API user", check_auth(header, '1234', 'TEST_SECRET', 1714987805))
        for malformed in (None, '', '4321:digest', '4321:digest:17x', '4321::1714987805', header + ':1'):
            self.assertIn("must read", check_auth(malformed, '4321', 'TEST_SECRET', 1714987805))

    def test_amounts_and_phones(self):
        self.assertEqual(read_amount('15000.5'), Decimal('15000.50'))
        self.assertEqual(read_amount(15000), Decimal('15000.00'))
        for bad in (True, None, 'abc', '0.001', 0, -1, float('nan'), float('inf'), 1e300):
            with self.assertRaises(MerchantRefusal) as caught:
                read_amount(bad)
            self.assertEqual(caught.exception.http_status, 400)
        self.assertEqual(read_phone('+998 (90) 123-45-67'), '998901234567')
        for bad in ('901234567', '99890123456x', 998901234567, None):
            self.assertIsNone(read_phone(bad))

    def test_reversal_decisions(self):
        now = datetime(2024, 5, 20, 12, 0)
        paid = Decimal('15000.00')
        self.assertEqual(decide_reversal(PAYMENT_SUCCESSFUL, paid, Decimal(0), now, now), (PAYMENT_REVERSED, paid))
        self.assertEqual(decide_reversal(PAYMENT_SUCCESSFUL, paid, Decimal(5000), now, now, Decimal(5000)),
                         (PAYMENT_SUCCESSFUL, Decimal(10000)))
        self.assertEqual(decide_reversal(PAYMENT_SUCCESSFUL, paid, Decimal(5000), now, now),
                         (PAYMENT_REVERSED, paid), "a full reversal takes back what is left")
        # 20:00 UTC on 30 April is 1 May in Tashkent: this month's payment for Click.
        self.assertEqual(decide_reversal(PAYMENT_SUCCESSFUL, paid, Decimal(0), datetime(2024, 4, 30, 20), now)[0],
                         PAYMENT_REVERSED)
        for status, reversed_amount, paid_at, requested, code in (
            (PAYMENT_REVERSED, paid, now, None, MerchantCode.NOT_REVERSIBLE),
            (CANCELLED_BY_CLICK, Decimal(0), now, None, MerchantCode.NOT_REVERSIBLE),
            (PAYMENT_SUCCESSFUL, Decimal(0), datetime(2024, 4, 30, 18), None, MerchantCode.NOT_REVERSIBLE),
            (PAYMENT_SUCCESSFUL, Decimal(5000), now, Decimal('10000.01'), MerchantCode.INCORRECT_AMOUNT),
        ):
            with self.assertRaises(MerchantRefusal) as caught:
                decide_reversal(status, paid, reversed_amount, paid_at, now, requested)
            self.assertEqual(caught.exception.error_code, code)
