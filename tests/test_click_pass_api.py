"""CLICK Pass without a database: the client's calls over loopback HTTP, and the emulator's rules."""
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import merchant
from odoo.addons.payment_click.emulator import click_pass as emulator_pass
from odoo.addons.payment_click.emulator.click import CANCELLED_BY_CLICK, MerchantRefusal
from odoo.addons.payment_click.click_api.merchant import MerchantBusinessError
from odoo.addons.payment_click.tests.common import OK, ClickServerCase

OTP = '1234567415821'
PASS_ANSWER = dict(OK, payment_id='1234567', payment_status=2, confirm_mode='1', card_type='private',
                   processing_type='UZCARD', card_number='860002******8331', phone_number='998221234567')
NOW = datetime(2026, 3, 10, 12, 0, 0)


@tagged('post_install', '-at_install', 'click_unit')
class TestClickPassClient(ClickServerCase):

    def test_pay_sends_the_code_amount_desk_and_reference(self):
        """SPEC §8.2; Click's numbers written as text come back as int."""
        self.server.script.append((200, PASS_ANSWER, 0))
        answer = self.client.click_pass_payment(OTP, Decimal('15000.50'), 'KASSA-1', 'INV-2026-00001')
        self.assertEqual((answer['payment_id'], answer['confirm_mode'], answer['processing_type']),
                         (1234567, 1, 'UZCARD'))
        [request] = self.server.seen
        self.assertEqual((request['method'], request['path']), ('POST', '/v2/merchant/click_pass/payment'))
        self.assertEqual(request['body'], {'service_id': 36, 'otp_data': OTP, 'amount': 15000.5,
                                           'cashbox_code': 'KASSA-1', 'transaction_id': 'INV-2026-00001'})
        self.assertTrue(request['auth_ok'])

    def test_pay_leaves_out_a_missing_desk(self):
        self.server.script.append((200, PASS_ANSWER, 0))
        self.client.click_pass_payment(OTP, 500)
        self.assertEqual(self.server.seen[0]['body'], {'service_id': 36, 'otp_data': OTP, 'amount': 500.0})

    def test_confirm_and_confirmation_mode(self):
        """SPEC §8.3."""
        self.server.script.extend([(200, dict(OK, error_note="Платеж подтвержден"), 0), (200, OK, 0), (200, OK, 0)])
        self.client.confirm_click_pass_payment('1234567')
        self.client.set_click_pass_confirmation(True)
        self.client.set_click_pass_confirmation(False)
        self.assertEqual([(r['method'], r['path'], r['body']) for r in self.server.seen], [
            ('POST', '/v2/merchant/click_pass/confirm', {'service_id': 36, 'payment_id': 1234567}),
            ('PUT', '/v2/merchant/click_pass/confirmation/36', None),
            ('DELETE', '/v2/merchant/click_pass/confirmation/36', None),
        ])

    def test_a_refusal_carries_clicks_note(self):
        self.server.script.append((200, {'error_code': -22, 'error_note': 'Insufficient funds'}, 0))
        with self.assertRaisesRegex(MerchantBusinessError, "Insufficient funds") as caught:
            self.client.click_pass_payment(OTP, 500)
        self.assertEqual(caught.exception.error_code, -22)

    def test_the_code_never_reaches_the_logs(self):
        """Whoever reads the payer's code in time can pay with it; the card stays masked."""
        self.server.script.append((200, dict(PASS_ANSWER, card_number='8600020412348331'), 0))
        with self.assertLogs(merchant.__name__, level=logging.DEBUG) as logs:
            self.client.click_pass_payment(OTP, 500, 'KASSA-1')
        output = '\n'.join(logs.output)
        self.assertNotIn(OTP, output)
        self.assertNotIn('8600020412348331', output)
        self.assertIn("860002******8331", output)


@tagged('post_install', '-at_install', 'click_unit')
class TestEmulatorPassRules(BaseCase):

    def test_codes_are_thirteen_digits_and_differ(self):
        codes = {emulator_pass.new_otp() for _ in range(20)}
        self.assertEqual(len(codes), 20)
        self.assertTrue(all(len(code) == 13 and code.isdigit() for code in codes))

    def test_a_code_pays_once_and_expires(self):
        emulator_pass.check_code_usable(True, False, NOW, NOW + timedelta(minutes=4))
        for found, used, age in ((False, False, 0), (True, '123', 0), (True, False, 6)):
            with self.assertRaises(MerchantRefusal) as caught:
                emulator_pass.check_code_usable(found, used, NOW, NOW + timedelta(minutes=age))
            self.assertEqual(caught.exception.error_code, emulator_pass.CODE_UNKNOWN)

    def test_outcomes(self):
        self.assertEqual(emulator_pass.pay('pay', False, NOW), (2, "Successful", 0, None, None))
        status, _note, confirm_mode, confirm_by, _until = emulator_pass.pay('pay', True, NOW)
        self.assertEqual((status, confirm_mode, confirm_by), (1, 1, NOW + timedelta(seconds=30)))
        self.assertEqual(emulator_pass.pay('confirm', False, NOW)[2], 1)
        self.assertEqual(emulator_pass.pay('processing', False, NOW)[:3], (1, "Processing", 0))
        with self.assertRaisesRegex(MerchantRefusal, "Insufficient funds"):
            emulator_pass.pay('fail', False, NOW)

    def test_an_unconfirmed_payment_is_cancelled_after_30_seconds(self):
        confirm_by = NOW + emulator_pass.CONFIRM_WINDOW
        self.assertIsNone(emulator_pass.status_now(1, confirm_by, None, confirm_by))
        self.assertEqual(emulator_pass.status_now(1, confirm_by, None, confirm_by + timedelta(seconds=1)),
                         (CANCELLED_BY_CLICK, emulator_pass.NOT_CONFIRMED_NOTE))
        self.assertEqual(emulator_pass.confirm(1, confirm_by), (2, "Successful"))
        with self.assertRaises(MerchantRefusal):
            emulator_pass.confirm(2, None)

    def test_processing_ends_in_success(self):
        until = NOW + emulator_pass.PROCESSING_TIME
        self.assertIsNone(emulator_pass.status_now(1, None, until, NOW))
        self.assertEqual(emulator_pass.status_now(1, None, until, until), (2, "Successful"))
        self.assertIsNone(emulator_pass.status_now(2, None, until, until))

    def test_bad_bodies_are_refused_by_name(self):
        for body, name in (({'amount': 1}, 'otp_data'), ({'otp_data': 'abc', 'amount': 1}, 'otp_data'),
                           ({'otp_data': OTP, 'amount': -1}, 'amount'),
                           ({'otp_data': OTP, 'amount': 1, 'cashbox_code': 'A\nB'}, 'cashbox_code')):
            with self.assertRaisesRegex(MerchantRefusal, name):
                emulator_pass.parse_pass_payment(body)
        request_ = emulator_pass.parse_pass_payment({'otp_data': OTP, 'amount': '15000.5', 'cashbox_code': 'K1'})
        self.assertEqual((request_.amount, request_.cashbox_code, request_.transaction_id),
                         (Decimal('15000.50'), 'K1', None))
