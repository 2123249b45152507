"""The Merchant API client against a real loopback HTTP server that plays Click."""
import logging
import socket
import threading
import time
from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import merchant
from odoo.addons.payment_click.click_api.merchant import (
    AnswerError,
    MerchantApiError,
    MerchantBusinessError,
    MerchantHttpError,
    MerchantResponseError,
    MerchantTransportError,
)
from odoo.addons.payment_click.tests.common import OK, SECRET, USER_ID, ClickServerCase

CARD = '8600123456789012'
CARD_TOKEN = '3B1DF3F1-7358-407C-B57F-0F6351310803'
SMS_CODE = 73519
PAYMENT_ID = 1946296773
QR_URL = 'https://ofd.soliq.uz/epi?t=EZ000000000030&r=123456789&c=20221028171340&s=854971301623'
ITEM = {
    'Name': 'Premium obuna 1 oy dona', 'SPIC': '10305001001000001', 'PackageCode': '123456',
    'GoodPrice': 5000000, 'Price': 5000000, 'Amount': 1, 'VAT': 535714, 'VATPercent': 12,
    'CommissionInfo': {'TIN': '123456789'},
}


@tagged('post_install', '-at_install', 'click_unit')
class TestMerchantClient(ClickServerCase):

    def script(self, *answers):
        """Queue answers: ``(status, body)`` or ``(status, body, delay)``."""
        self.server.script.extend((*answer, 0)[:3] for answer in answers)

    def seen(self, *keys):
        return [tuple(request[key] for key in keys) for request in self.server.seen]

    def test_auth_header_worked_vector(self):
        """SPEC §7.2."""
        self.assertEqual(merchant.merchant_auth_header(4321, 'TEST_SECRET', 1714987805),
                         '4321:aae4d334acadd3224943b9e05ec198c85fac7ba0:1714987805')

    def test_create_invoice(self):
        self.script((200, dict(OK, invoice_id='1234567')))
        answer = self.client.create_invoice(15000.5, '998901234567', 'S00042-1')
        self.assertEqual(answer, dict(OK, invoice_id=1234567))
        [request] = self.server.seen
        self.assertEqual((request['method'], request['path']), ('POST', '/v2/merchant/invoice/create'))
        self.assertEqual(request['body'], {'service_id': 36, 'amount': 15000.5, 'phone_number': '998901234567',
                                           'merchant_trans_id': 'S00042-1'})
        self.assertIn('"amount": 15000.5,', request['raw'])
        self.assertEqual(request['headers']['Accept'], 'application/json')
        self.assertEqual(request['headers']['Content-Type'], 'application/json')
        self.assertTrue(request['auth_ok'])
        self.assertLessEqual(abs(int(request['timestamp']) - time.time()), 5)

    def test_amounts_are_rounded_to_the_tiyin(self):
        self.script((200, dict(OK, invoice_id=1)))
        self.client.create_invoice(0.1 + 0.2, '998901234567', 'S1')
        self.assertIn('"amount": 0.3,', self.server.seen[0]['raw'])

    def test_status_endpoints(self):
        self.script(
            (200, dict(OK, invoice_status=-99, invoice_status_note='Deleted')),
            (200, dict(OK, payment_id='1234567', payment_status=2)),
            (200, dict(OK, payment_id=1234567, merchant_trans_id='S00042/1 é')),
        )
        self.assertEqual(self.client.invoice_status(77)['invoice_status'], -99)
        self.assertEqual(self.client.payment_status(1234567)['payment_id'], 1234567)
        self.assertNotIn('payment_status', self.client.payment_status_by_mti('S00042/1 é', date(2024, 5, 6)))
        self.assertEqual(self.seen('method', 'path'), [
            ('GET', '/v2/merchant/invoice/status/36/77'),
            ('GET', '/v2/merchant/payment/status/36/1234567'),
            ('GET', '/v2/merchant/payment/status_by_mti/36/S00042%2F1%20%C3%A9/2024-05-06'),
        ])
        self.assertTrue(all(request['auth_ok'] and request['headers']['Content-Type'] == 'application/json'
                            for request in self.server.seen))

    def test_reversals(self):
        self.script((200, dict(OK, payment_id=1234567)), (200, OK))
        self.assertEqual(self.client.reverse_payment('1234567')['payment_id'], 1234567)
        self.client.partial_reverse_payment(1234567, 1500.5)
        self.assertEqual(self.seen('method', 'path'), [
            ('DELETE', '/v2/merchant/payment/reversal/36/1234567'),
            ('DELETE', '/v2/merchant/payment/partial_reversal/36/1234567/1500.50'),
        ])

    def test_card_token_endpoints(self):
        self.script(
            (200, dict(OK, card_token=CARD_TOKEN, phone_number='99890***1234', temporary=1)),
            (200, dict(OK, card_number='8600 12** **** 9012')),
            (200, dict(OK, payment_id='598761234', payment_status=1)),
            (200, OK),
        )
        self.assertEqual(self.client.request_card_token(CARD, '0399', temporary=True)['card_token'], CARD_TOKEN)
        self.client.verify_card_token(CARD_TOKEN, str(SMS_CODE))
        self.assertEqual(self.client.pay_with_card_token(CARD_TOKEN, 15000, 'S00042-1')['payment_id'], 598761234)
        self.client.delete_card_token(CARD_TOKEN)
        self.assertEqual(self.seen('method', 'path', 'body'), [
            ('POST', '/v2/merchant/card_token/request',
             {'service_id': 36, 'card_number': CARD, 'expire_date': '0399', 'temporary': 1}),
            ('POST', '/v2/merchant/card_token/verify',
             {'service_id': 36, 'card_token': CARD_TOKEN, 'sms_code': SMS_CODE}),
            ('POST', '/v2/merchant/card_token/payment',
             {'service_id': 36, 'card_token': CARD_TOKEN, 'amount': 15000.0, 'transaction_parameter': 'S00042-1'}),
            ('DELETE', f'/v2/merchant/card_token/36/{CARD_TOKEN}', None),
        ])
        self.assertTrue(all(request['auth_ok'] for request in self.server.seen))

    def test_business_error_carries_clicks_note(self):
        self.script((200, {'error_code': '-31', 'error_note': 'Invalid phone number'}))
        with self.assertRaises(MerchantBusinessError) as caught:
            self.client.create_invoice(100, '998000000000', 'S1')
        self.assertEqual((caught.exception.error_code, caught.exception.error_note), (-31, 'Invalid phone number'))
        self.assertEqual(str(caught.exception),
                         "Click refused POST invoice/create: Invalid phone number (error code -31).")
        self.assertEqual((caught.exception.code, caught.exception.params), (MerchantApiError.REFUSED, {
            'endpoint': 'POST invoice/create', 'error_code': -31, 'note': 'Invalid phone number',
        }))

    def test_http_errors(self):
        self.script((401, 'Unauthorized'), (400, {'error_code': -8, 'error_note': 'Bad amount'}),
                    (500, 'oops'), (502, 'down'))
        with self.assertRaises(MerchantHttpError) as caught:
            self.client.payment_status(1)
        self.assertEqual(caught.exception.status, 401)
        self.assertEqual(str(caught.exception), "Click's Merchant API answered HTTP 401 to GET payment/status/36/1.")
        self.assertIn("answered HTTP 401 to GET payment/status/36/1", str(caught.exception))
        self.assertEqual((caught.exception.code, caught.exception.params), (MerchantApiError.HTTP_STATUS, {
            'endpoint': 'GET payment/status/36/1', 'status': 401, 'note': None,
        }))
        with self.assertRaises(MerchantHttpError) as caught:
            self.client.reverse_payment(1)
        self.assertEqual((caught.exception.status, caught.exception.error_note), (400, 'Bad amount'))
        self.assertTrue(str(caught.exception).endswith("Click says: Bad amount"))
        for status in (500, 502):
            with self.assertRaises(MerchantHttpError) as caught:
                self.client.create_invoice(100, '998901234567', 'S1')
            self.assertEqual(caught.exception.status, status)
            self.assertNotIsInstance(caught.exception, MerchantResponseError)
        self.assertEqual(len(self.server.seen), 4)

    def test_unreadable_success_answers(self):
        self.script((200, '<html>maintenance</html>'), (200, [OK]), (200, {'error_note': 'Success'}),
                    (200, dict(OK, payment_id='12x')))
        for problem, params in ((AnswerError.NOT_JSON, {}), (AnswerError.NOT_JSON, {}),
                                (AnswerError.NO_ERROR_CODE, {}), (AnswerError.NOT_WHOLE, {'name': 'payment_id'})):
            with self.assertRaises(MerchantResponseError) as caught:
                self.client.payment_status(1)
            self.assertEqual(caught.exception.status, 200)
            self.assertEqual(caught.exception.code, MerchantApiError.BAD_ANSWER)
            self.assertEqual((caught.exception.params['problem'].code, caught.exception.params['problem'].params),
                             (problem, params))

    def test_read_timeout(self):
        client = self.make_client(timeout=(2, 0.3))
        for call in (lambda: client.payment_status(1), lambda: client.reverse_payment(1)):
            self.script((200, OK, 1))
            with self.assertRaises(MerchantTransportError) as caught:
                call()
            self.assertTrue(caught.exception.timeout)
            self.assertIn("did not answer", str(caught.exception))
            self.assertEqual(caught.exception.code, MerchantApiError.READ_TIMEOUT)
        self.assertIn("Click may have carried it out", str(caught.exception))
        self.assertTrue(caught.exception.params['may_act'], "a reversal may still be carried out")
        self.assertEqual(len(self.server.seen), 2, "a timed out GET is not retried")

    def test_connection_refused(self):
        with socket.socket() as closed:
            closed.bind(('127.0.0.1', 0))
            port = closed.getsockname()[1]
        client = self.make_client(base_url=f'http://127.0.0.1:{port}/v2/merchant/')
        with self.assertRaises(MerchantTransportError) as caught:
            client.payment_status(1)
        self.assertFalse(caught.exception.timeout)
        self.assertFalse(caught.exception.sent, "nothing reached Click")
        self.assertIn("Connection refused", str(caught.exception))
        self.assertEqual((caught.exception.code, caught.exception.params['reason']),
                         (MerchantApiError.UNREACHABLE, "Connection refused"))
        self.assertIsNone(caught.exception.__cause__)

    def test_a_connection_dropped_after_sending_may_have_reached_click(self):
        """Click may have debited the card before the connection broke: the outcome is unknown."""
        listener = socket.create_server(('127.0.0.1', 0))
        self.addCleanup(listener.close)

        def read_then_hang_up():
            connection, _address = listener.accept()
            with connection:
                connection.recv(65536)

        thread = threading.Thread(target=read_then_hang_up, daemon=True)
        thread.start()
        client = self.make_client(base_url=f'http://127.0.0.1:{listener.getsockname()[1]}/v2/merchant/')
        with self.assertRaises(MerchantTransportError) as caught:
            client.pay_with_card_token(CARD_TOKEN, 1000, 'INV-1')
        thread.join()
        self.assertTrue(caught.exception.sent)
        self.assertTrue(merchant.outcome_unknown(caught.exception))
        self.assertIn("broke during", str(caught.exception))
        self.assertIn("Click may have carried it out", str(caught.exception))
        self.assertEqual(caught.exception.code, MerchantApiError.BROKEN)
        self.assertTrue(caught.exception.params['may_act'])

    def test_get_is_retried_on_unavailable(self):
        self.script((503, 'busy'), (503, 'busy'), (200, dict(OK, payment_id=5, payment_status=2)))
        self.assertEqual(self.client.payment_status(5)['payment_status'], 2)
        self.assertEqual(len(self.server.seen), 3)

    def test_get_retries_give_up(self):
        self.script((502, 'down'), (503, 'busy'), (504, 'late'), (200, OK))
        with self.assertRaises(MerchantHttpError) as caught:
            self.client.invoice_status(1)
        self.assertEqual(caught.exception.status, 504)
        self.assertEqual(len(self.server.seen), 3)

    def test_post_and_delete_are_never_retried(self):
        for call in (lambda: self.client.create_invoice(100, '998901234567', 'S1'),
                     lambda: self.client.reverse_payment(1)):
            self.server.script[:] = [(503, 'busy', 0), (200, OK, 0)]
            with self.assertRaises(MerchantHttpError):
                call()
        self.assertEqual(self.seen('method'), [('POST',), ('DELETE',)])

    def test_auth_is_fresh_per_call(self):
        now = int(time.time())
        client = self.make_client(clock=iter([now, now + 1]).__next__)
        self.script((200, OK), (200, OK))
        client.invoice_status(1)
        client.invoice_status(1)
        self.assertEqual([request['headers']['Auth'] for request in self.server.seen],
                         [merchant.merchant_auth_header(USER_ID, SECRET, now + i) for i in range(2)])
        self.assertTrue(all(request['auth_ok'] for request in self.server.seen))

    def test_logs_hide_secrets_and_card_data(self):
        self.script(
            (200, dict(OK, card_token=CARD_TOKEN, phone_number='99890***1234', temporary=0)),
            (200, dict(OK, card_number='8600 12** **** 9012')),
            (200, OK),
            (401, {'error_code': -1, 'error_note': 'Auth failed'}),
        )
        with self.assertLogs(merchant.__name__, level=logging.DEBUG) as logs:
            self.client.request_card_token(CARD, '0399', temporary=False)
            self.client.verify_card_token(CARD_TOKEN, SMS_CODE)
            self.client.delete_card_token(CARD_TOKEN)
            with self.assertRaises(MerchantHttpError):
                self.client.delete_card_token(CARD_TOKEN)
        output = '\n'.join(logs.output)
        digests = {request['headers']['Auth'].split(':')[1] for request in self.server.seen}
        for secret in (SECRET, CARD, str(SMS_CODE), CARD_TOKEN, '0399', *digests):
            self.assertNotIn(secret, output)
        self.assertIn("860012******9012", output)
        self.assertIn("card_token/36/***", output)
        self.assertTrue(any(record.levelno == logging.INFO for record in logs.records))

    def test_masking(self):
        body = {'service_id': 36, 'card_number': CARD, 'expire_date': '0399', 'sms_code': 12345,
                'card_token': CARD_TOKEN, 'secret_key': SECRET, 'amount': 1.5}
        self.assertEqual(merchant.mask_sensitive(body), {
            'service_id': 36, 'card_number': '860012******9012', 'expire_date': '***', 'sms_code': '***',
            'card_token': '***', 'secret_key': '***', 'amount': 1.5,
        })
        self.assertEqual(body['card_number'], CARD, "the body itself is left alone")
        self.assertEqual(merchant.mask_card_number('8600 1234 5678 9012 345'), '8600 12** **** ***2 345')
        self.assertEqual(merchant.mask_card_number('8600 12** **** 9012'), '8600 12** **** 9012')

    # === Fiscal receipts (SPEC §9) === #

    def test_submit_fiscal_items(self):
        """SPEC §9.1: integers of tiyin, written as JSON integers."""
        self.script((200, OK))
        self.assertEqual(self.client.submit_fiscal_items(str(PAYMENT_ID), (ITEM,), 5000000), OK)
        [request] = self.server.seen
        self.assertEqual((request['method'], request['path']), ('POST', '/v2/merchant/payment/ofd_data/submit_items'))
        self.assertEqual(request['body'], {'service_id': 36, 'payment_id': PAYMENT_ID, 'items': [ITEM],
                                           'received_ecash': 5000000, 'received_cash': 0, 'received_card': 0})
        self.assertIn('"received_ecash": 5000000,', request['raw'])
        self.assertNotIn('.0', request['raw'], "no float anywhere")
        self.assertTrue(request['auth_ok'])

    def test_submit_fiscal_items_sends_whole_tiyin_only(self):
        for amounts in ((5000000.0,), (5000000, 0.5), (5000000, 0, '0'), (-1,), (True,)):
            with self.assertRaises(ValueError) as caught:
                self.client.submit_fiscal_items(PAYMENT_ID, [ITEM], *amounts)
            self.assertIn("whole, non-negative number of tiyin", str(caught.exception))
        self.assertFalse(self.server.seen, "nothing is sent")

    def test_submit_fiscal_qrcode(self):
        """SPEC §9.2."""
        self.script((200, OK))
        self.assertEqual(self.client.submit_fiscal_qrcode(PAYMENT_ID, QR_URL), OK)
        self.assertEqual(self.seen('method', 'path', 'body'), [
            ('POST', '/v2/merchant/payment/ofd_data/submit_qrcode',
             {'service_id': 36, 'payment_id': PAYMENT_ID, 'qrcode': QR_URL}),
        ])

    def test_fiscal_errors_carry_clicks_note(self):
        self.script((200, {'error_code': -31, 'error_note': 'items[0].SPIC is not in the classifier'}),
                    (200, {'error_code': '-5', 'error_note': 'Payment not found'}),
                    (500, 'oops'))
        with self.assertRaises(MerchantBusinessError) as caught:
            self.client.submit_fiscal_items(PAYMENT_ID, [ITEM], 5000000)
        self.assertEqual((caught.exception.error_code, caught.exception.error_note),
                         (-31, 'items[0].SPIC is not in the classifier'))
        with self.assertRaises(MerchantBusinessError) as caught:
            self.client.fiscal_data(PAYMENT_ID)
        self.assertEqual((caught.exception.error_code, caught.exception.error_note), (-5, 'Payment not found'))
        with self.assertRaises(MerchantHttpError) as caught:
            self.client.submit_fiscal_qrcode(PAYMENT_ID, QR_URL)
        self.assertEqual(caught.exception.status, 500)

    def test_fiscal_data_reads_clicks_camel_case_answer(self):
        """SPEC §9.3: camelCase keys and no error_code; snake_case with error_code 0 reads the same."""
        self.script((200, {'paymentId': PAYMENT_ID, 'qrCodeURL': QR_URL}),
                    (200, dict(OK, payment_id=str(PAYMENT_ID), qr_code_url=QR_URL)),
                    (200, dict(OK, paymentId=PAYMENT_ID, qrCodeURL=QR_URL)))
        for expected in (
            {'error_code': 0, 'payment_id': PAYMENT_ID, 'qr_code_url': QR_URL},
            dict(OK, payment_id=PAYMENT_ID, qr_code_url=QR_URL),
            dict(OK, payment_id=PAYMENT_ID, qr_code_url=QR_URL),
        ):
            self.assertEqual(self.client.fiscal_data(str(PAYMENT_ID)), expected)
        self.assertEqual(self.seen('method', 'path'), [('GET', f'/v2/merchant/payment/ofd_data/36/{PAYMENT_ID}')] * 3)

    def test_fiscal_data_without_a_qr_is_not_ready(self):
        self.script((200, {'paymentId': PAYMENT_ID, 'qrCodeURL': None}), (200, {'paymentId': str(PAYMENT_ID)}),
                    (200, {'paymentId': PAYMENT_ID, 'qrCodeURL': ' '}))
        for _answer in range(3):
            self.assertEqual(self.client.fiscal_data(PAYMENT_ID),
                             {'error_code': 0, 'payment_id': PAYMENT_ID, 'qr_code_url': None})

    def test_unreadable_fiscal_data(self):
        self.script((200, '<html>maintenance</html>'), (200, {}), (200, {'paymentId': 'x'}),
                    (200, {'paymentId': 77, 'qrCodeURL': QR_URL}), (200, {'paymentId': PAYMENT_ID, 'qrCodeURL': 5}),
                    (200, {'paymentId': PAYMENT_ID, 'qrCodeURL': 'javascript:alert(1)'}))
        for problem, params in ((AnswerError.NOT_JSON, {}),
                                (AnswerError.NO_PAYMENT_ID, {}),
                                (AnswerError.NOT_WHOLE, {'name': 'paymentId'}),
                                (AnswerError.OTHER_PAYMENT, {'answered': 77, 'asked': PAYMENT_ID}),
                                (AnswerError.QR_NOT_TEXT, {}),
                                (AnswerError.QR_NOT_URL, {})):
            with self.assertRaises(MerchantResponseError) as caught:
                self.client.fiscal_data(PAYMENT_ID)
            self.assertEqual(caught.exception.status, 200)
            self.assertEqual((caught.exception.params['problem'].code, caught.exception.params['problem'].params),
                             (problem, params))

    def test_other_answers_still_need_an_error_code(self):
        self.script((200, {'payment_id': PAYMENT_ID, 'payment_status': 2}))
        with self.assertRaises(MerchantResponseError) as caught:
            self.client.payment_status(PAYMENT_ID)
        self.assertEqual(caught.exception.params['problem'].code, AnswerError.NO_ERROR_CODE)

    def test_receipt_items_are_not_logged_at_info(self):
        self.script((200, OK))
        with self.assertLogs(merchant.__name__, level=logging.DEBUG) as logs:
            self.client.submit_fiscal_items(PAYMENT_ID, [ITEM], 5000000)
        info = '\n'.join(record.getMessage() for record in logs.records if record.levelno >= logging.INFO)
        self.assertIn("POST payment/ofd_data/submit_items: HTTP 200, error_code 0", info)
        self.assertNotIn(ITEM['Name'], info)
        self.assertIn(ITEM['Name'], '\n'.join(logs.output), "DEBUG shows them")


@tagged('post_install', '-at_install', 'click_unit')
class TestOutcomeUnknown(BaseCase):
    """A charge whose answer is lost stays pending for the status sync; a refusal records nothing."""

    def test_lost_answers_leave_the_outcome_unknown(self):
        for error in (
            MerchantTransportError("timed out", timeout=True),
            MerchantHttpError("HTTP 502", 502, "Click's server failed"),
            MerchantResponseError("not JSON", 200, "unreadable"),
        ):
            self.assertTrue(merchant.outcome_unknown(error), error)

    def test_refusals_and_unopened_connections_charged_nothing(self):
        for error in (
            MerchantTransportError("connection refused", timeout=False, sent=False),
            MerchantHttpError("HTTP 401", 401, "wrong credentials"),
            MerchantBusinessError("refused", -5017, "Insufficient funds"),
        ):
            self.assertFalse(merchant.outcome_unknown(error), error)


@tagged('post_install', '-at_install', 'click_unit')
class TestReversalWindow(BaseCase):
    """SPEC §7.5.5: this month's payments, and last month's on the 1st only."""

    def test_same_month(self):
        self.assertTrue(merchant.reversal_allowed(datetime(2024, 5, 1, 0, 0), datetime(2024, 5, 31, 23, 59)))
        self.assertTrue(merchant.reversal_allowed(datetime(2024, 2, 29, 12, 0), datetime(2024, 2, 29, 12, 5)))

    def test_previous_month_on_the_first_only(self):
        paid = datetime(2024, 4, 30, 23, 59)
        self.assertTrue(merchant.reversal_allowed(paid, datetime(2024, 5, 1, 0, 0)))
        self.assertTrue(merchant.reversal_allowed(paid, datetime(2024, 5, 1, 23, 59)))
        self.assertFalse(merchant.reversal_allowed(paid, datetime(2024, 5, 2, 0, 0)))
        self.assertFalse(merchant.reversal_allowed(datetime(2024, 3, 31, 12, 0), datetime(2024, 5, 1, 0, 0)))

    def test_december_payment_on_january_first(self):
        self.assertTrue(merchant.reversal_allowed(datetime(2024, 12, 31, 18, 0), datetime(2025, 1, 1, 9, 0)))
        self.assertFalse(merchant.reversal_allowed(datetime(2024, 12, 31, 18, 0), datetime(2025, 1, 2, 9, 0)))
        self.assertFalse(merchant.reversal_allowed(datetime(2023, 12, 31, 18, 0), datetime(2025, 1, 1, 9, 0)))
        self.assertFalse(merchant.reversal_allowed(datetime(2025, 1, 1, 9, 0), datetime(2024, 12, 31, 18, 0)))


@tagged('post_install', '-at_install', 'click_unit')
class TestReversalState(BaseCase):
    """What a payment's status tells of its reversal: Click documents no status for one."""

    def test_a_negative_status_means_reversed(self):
        self.assertIs(merchant.reversal_state(-9), merchant.Reversal.DONE)
        self.assertIs(merchant.reversal_state(-9, full=False), merchant.Reversal.DONE)

    def test_a_successful_payment_was_not_reversed_in_full(self):
        self.assertIs(merchant.reversal_state(2), merchant.Reversal.NOT_DONE)
        self.assertIs(merchant.reversal_state(2, full=False), merchant.Reversal.UNKNOWN,
                      "a partial reversal leaves the payment successful")

    def test_anything_else_tells_nothing(self):
        for status in (None, 0, 1, 3):
            self.assertIs(merchant.reversal_state(status), merchant.Reversal.UNKNOWN, status)
