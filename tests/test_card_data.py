"""Card data and the emulator's card-token rules, without a database."""
from datetime import date, datetime, timedelta

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import cards
from odoo.addons.payment_click.emulator import cards as emulator_cards
from odoo.addons.payment_click.emulator.click import MerchantRefusal
from odoo.addons.payment_click.emulator.cards import CardCode, CardOutcome
from odoo.addons.payment_click.click_api.merchant import mask_sensitive

TODAY = date(2026, 11, 28)


@tagged('post_install', '-at_install', 'click_unit')
class TestCardData(BaseCase):

    def test_card_numbers_are_sixteen_digits_passing_luhn(self):
        self.assertEqual(cards.read_card_number('8600 1234 5678 9012'), '8600123456789012')
        self.assertEqual(cards.read_card_number('9860-1234-5678-9015'), '9860123456789015')
        for mistyped in ('8600 1234 5678 9013', '8600 1234 5678 901', '8600123456789012 3', '', None,
                         '٨٦٠٠١٢٣٤٥٦٧٨٩٠١٢', 'abcd efgh ijkl mnop'):
            self.assertIsNone(cards.read_card_number(mistyped), mistyped)

    def test_expiry_is_mmyy_of_a_card_still_valid(self):
        self.assertEqual(cards.read_expire_date('0329', TODAY), '0329')
        self.assertEqual(cards.read_expire_date('03/29', TODAY), '0329')
        self.assertEqual(cards.read_expire_date('11 26', TODAY), '1126', "valid until the month's end")
        for wrong in ('1026', '1329', '0029', '329', '03/2029', '', None):
            self.assertIsNone(cards.read_expire_date(wrong, TODAY), wrong)

    def test_sms_codes_are_digits(self):
        self.assertEqual(cards.read_sms_code(' 12345 '), 12345)
        for wrong in ('12a45', '', '123', None, '１２３４５'):
            self.assertIsNone(cards.read_sms_code(wrong), wrong)

    def test_card_numbers_are_masked_wherever_they_appear(self):
        self.assertEqual(cards.scrub_card_numbers("card 8600123456789012 refused"), "card 860012******9012 refused")
        self.assertEqual(cards.scrub_card_numbers("8600 1234 5678 9012"), "8600 12** **** 9012")
        self.assertEqual(cards.scrub_card_numbers("payment 1946296773 of 15000"), "payment 1946296773 of 15000")
        logged = mask_sensitive({'card_number': '8600123456789012', 'expire_date': '0329', 'sms_code': 12345})
        self.assertEqual(logged, {'card_number': '860012******9012', 'expire_date': '***', 'sms_code': '***'})


@tagged('post_install', '-at_install', 'click_unit')
class TestEmulatedCards(BaseCase):

    def _request(self, number, **body):
        return emulator_cards.parse_token_request(dict(card_number=number, expire_date='0329', **body), TODAY)

    def test_any_luhn_valid_card_gets_a_token_and_only_its_mask_is_kept(self):
        token_request = self._request('8600123456789012', temporary=0)
        self.assertEqual(token_request.masked_card, '8600 12** **** 9012')
        self.assertEqual(token_request.outcome, CardOutcome.PAID)
        self.assertFalse(token_request.temporary)
        self.assertTrue(self._request('9860123456789015').temporary, "one-time unless asked otherwise")

    def test_special_numbers_refuse_like_click(self):
        self.assertEqual(self._request('8600000000001112').outcome, CardOutcome.INSUFFICIENT_FUNDS)
        self.assertEqual(self._request('8600000000003332').outcome, CardOutcome.PROCESSING)
        with self.assertRaises(MerchantRefusal) as blocked:
            self._request('8600000000002227')
        self.assertEqual((blocked.exception.error_code, blocked.exception.error_note),
                         (CardCode.CARD_BLOCKED, "Card is blocked"))
        for number, expiry in (('8600123456789013', '0329'), ('8600123456789012', '1025')):
            with self.assertRaises(MerchantRefusal) as invalid:
                emulator_cards.parse_token_request({'card_number': number, 'expire_date': expiry}, TODAY)
            self.assertEqual(invalid.exception.error_code, CardCode.INVALID_CARD)

    def test_sms_code_rules(self):
        now = datetime(2026, 11, 28, 12, 0)
        emulator_cards.check_sms_code(12345, 0, now - timedelta(minutes=4), now)
        cases = [
            (54321, 0, now, CardCode.WRONG_SMS_CODE),
            (12345, emulator_cards.MAX_CODE_ATTEMPTS, now, CardCode.TOO_MANY_ATTEMPTS),
            (12345, 0, now - timedelta(minutes=6), CardCode.SMS_CODE_EXPIRED),
            (True, 0, now, CardCode.WRONG_SMS_CODE),
        ]
        for code, attempts, requested_at, expected in cases:
            with self.assertRaises(MerchantRefusal) as refused:
                emulator_cards.check_sms_code(code, attempts, requested_at, now)
            self.assertEqual(refused.exception.error_code, expected)

    def test_token_payment_takes_either_reference_key(self):
        body = {'card_token': 'T', 'amount': 15000.0}
        self.assertEqual(emulator_cards.parse_token_payment(dict(body, transaction_parameter='S1'))[2], 'S1')
        self.assertEqual(emulator_cards.parse_token_payment(dict(body, merchant_trans_id='S2'))[2], 'S2')
        with self.assertRaises(MerchantRefusal):
            emulator_cards.parse_token_payment(body)
