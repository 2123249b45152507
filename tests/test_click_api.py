"""The pure protocol layer, without a database."""
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import amounts, deployment, shop, signing
from odoo.addons.payment_click.click_api.shop import Alert, Effect, ShopError, ShopRejection, TxStatus

PREPARE_FORM = {
    'click_trans_id': '2854621', 'service_id': '12345', 'click_paydoc_id': '1946296773',
    'merchant_trans_id': 'S00042-1', 'amount': '15000.00', 'action': '0', 'error': '0',
    'error_note': 'Success', 'sign_time': '2024-05-06 14:30:05',
    'sign_string': '5ed8c842f908b6c212e62c1d4a8789be',
}
COMPLETE_FORM = dict(
    PREPARE_FORM, action='1', merchant_prepare_id='77', sign_time='2024-05-06 14:30:07',
    sign_string='4c695d41db4b442a3f0a9658a50756c5',
)


@tagged('post_install', '-at_install', 'click_unit')
class TestSigning(BaseCase):

    def test_spec_vectors(self):
        """The three worked vectors of SPEC §2.9."""
        self.assertEqual(signing.shop_sign_string(PREPARE_FORM, 'TEST_SECRET'),
                         '5ed8c842f908b6c212e62c1d4a8789be')
        self.assertEqual(signing.shop_sign_string(dict(PREPARE_FORM, amount='15000'), 'TEST_SECRET'),
                         '7ce882c050d38b4e176b02c77612798a')
        self.assertEqual(signing.shop_sign_string(COMPLETE_FORM, 'TEST_SECRET'),
                         '4c695d41db4b442a3f0a9658a50756c5')

    def test_signature_uses_the_raw_amount_text(self):
        """15000, 15000.0 and 15000.00 are the same amount but three different signatures."""
        signs = {signing.shop_sign_string(dict(PREPARE_FORM, amount=text), 'K')
                 for text in ('15000', '15000.0', '15000.00')}
        self.assertEqual(len(signs), 3)

    def test_signature_check_ignores_case_and_refuses_other_secrets(self):
        upper = dict(PREPARE_FORM, sign_string=PREPARE_FORM['sign_string'].upper())
        self.assertTrue(signing.signature_matches(upper, 'TEST_SECRET'))
        self.assertFalse(signing.signature_matches(PREPARE_FORM, 'OTHER_SECRET'))
        self.assertFalse(signing.signature_matches(dict(PREPARE_FORM, sign_string='é'), 'TEST_SECRET'))

    def test_unknown_action_is_signed_with_the_prepare_formula(self):
        form = dict(PREPARE_FORM, action='7')
        expected = signing.hashlib.md5(
            b'285462112345TEST_SECRETS00042-115000.0072024-05-06 14:30:05'
        ).hexdigest()
        self.assertEqual(signing.shop_sign_string(form, 'TEST_SECRET'), expected)


@tagged('post_install', '-at_install', 'click_unit')
class TestAmounts(BaseCase):

    def test_parse_accepts_plain_decimals_only(self):
        self.assertEqual(amounts.parse_amount('15000'), Decimal('15000'))
        self.assertEqual(amounts.parse_amount('15000.5'), Decimal('15000.5'))
        for text in ('', '1e5', 'NaN', 'Infinity', '15 000', '15,000.00', '+5', '.5', None):
            self.assertIsNone(amounts.parse_amount(text), text)

    def test_format_is_two_decimals_without_float_noise(self):
        self.assertEqual(amounts.format_amount(15000.0), '15000.00')
        self.assertEqual(amounts.format_amount(1111.11), '1111.11')
        self.assertEqual(amounts.format_amount(0.1 + 0.2), '0.30')
        self.assertEqual(amounts.format_amount(99999999999.99), '99999999999.99')

    def test_one_tiyin_tolerance(self):
        self.assertTrue(amounts.amounts_match(Decimal('15000.01'), 15000.0))
        self.assertTrue(amounts.amounts_match(Decimal('14999.99'), 15000.0))
        self.assertFalse(amounts.amounts_match(Decimal('15000.02'), 15000.0))
        self.assertFalse(amounts.amounts_match(Decimal('-15000'), 15000.0))


@tagged('post_install', '-at_install', 'click_unit')
class TestShopRequests(BaseCase):

    def _collect(self, form):
        return shop.collect_fields(list(form.items()))

    def assertRejected(self, code, func, *args):
        with self.assertRaises(ShopRejection) as caught:
            func(*args)
        self.assertEqual(caught.exception.code, code)
        return caught.exception

    def test_collect_keeps_protocol_fields_only(self):
        fields = self._collect(dict(COMPLETE_FORM, param2='x', card_token='y'))
        self.assertEqual(set(fields), set(shop.COMPLETE_FIELDS))

    def test_missing_repeated_or_unreadable_fields_are_bad_requests(self):
        missing = dict(COMPLETE_FORM)
        del missing['merchant_prepare_id']
        rejection = self.assertRejected(ShopError.BAD_REQUEST, self._collect, missing)
        self.assertIn('merchant_prepare_id', rejection.reason)
        repeated = list(PREPARE_FORM.items()) + [('amount', '1.00')]
        self.assertRejected(ShopError.BAD_REQUEST, shop.collect_fields, repeated)
        self.assertRejected(ShopError.BAD_REQUEST, self._collect, dict(PREPARE_FORM, error_note='a\x00b'))
        self.assertRejected(ShopError.BAD_REQUEST, self._collect, dict(PREPARE_FORM, sign_time='9' * 5000))

    def test_parse_types_every_field(self):
        request = shop.parse_request(self._collect(COMPLETE_FORM))
        self.assertEqual(request.click_trans_id, 2854621)
        self.assertEqual(request.merchant_prepare_id, 77)
        self.assertEqual(request.amount, Decimal('15000.00'))
        self.assertEqual(request.error, 0)

    def test_parse_refuses_malformed_values(self):
        for name, value in [('click_trans_id', 'abc'), ('click_trans_id', '-1'), ('click_trans_id', '0'),
                            ('click_paydoc_id', '9' * 20), ('amount', 'lots'), ('error', 'x'),
                            ('merchant_prepare_id', '7.5'), ('error', '1'), ('error', '+0'), ('error', '-0')]:
            with self.subTest(name=name, value=value):
                self.assertRejected(ShopError.BAD_REQUEST, shop.parse_request,
                                    self._collect(dict(COMPLETE_FORM, **{name: value})))
        self.assertRejected(ShopError.ACTION_NOT_FOUND, shop.parse_request,
                            self._collect(dict(PREPARE_FORM, action='2')))

    def _notice(self, form):
        return shop.request_notice(shop.parse_request(self._collect(form)))

    def test_decision_table(self):
        """SPEC §2.12: the state × request table."""
        prepare = self._notice(PREPARE_FORM)
        complete = self._notice(COMPLETE_FORM)
        cancel = self._notice(dict(COMPLETE_FORM, error='-5017'))
        cases = [
            (prepare, TxStatus.NEW, ShopError.SUCCESS, Effect.PREPARE),
            (prepare, TxStatus.PREPARED, ShopError.SUCCESS, Effect.PREPARE),
            (prepare, TxStatus.PAID, ShopError.ALREADY_PAID, Effect.NONE),
            (prepare, TxStatus.CANCELLED, ShopError.TRANSACTION_CANCELLED, Effect.NONE),
            (complete, TxStatus.NEW, ShopError.TRANSACTION_DOES_NOT_EXIST, Effect.NONE),
            (complete, TxStatus.PREPARED, ShopError.SUCCESS, Effect.CONFIRM),
            (complete, TxStatus.PAID, ShopError.ALREADY_PAID, Effect.NONE),
            (complete, TxStatus.CANCELLED, ShopError.TRANSACTION_CANCELLED, Effect.NONE),
            (cancel, TxStatus.NEW, ShopError.TRANSACTION_DOES_NOT_EXIST, Effect.NONE),
            (cancel, TxStatus.PREPARED, ShopError.TRANSACTION_CANCELLED, Effect.CANCEL),
            (cancel, TxStatus.PAID, ShopError.ALREADY_PAID, Effect.NONE),
            (cancel, TxStatus.CANCELLED, ShopError.TRANSACTION_CANCELLED, Effect.NONE),
        ]
        for request, status, code, effect in cases:
            with self.subTest(kind=request.kind, error=request.error, status=status):
                decision = shop.decide(request, status, 77, 15000.0, held=1946296773)
                self.assertEqual((decision.code, decision.effect), (code, effect))

    def test_decision_checks_prepare_id_then_cancellation_then_amount(self):
        complete = self._notice(COMPLETE_FORM)
        self.assertEqual(shop.decide(complete, TxStatus.PREPARED, 78, 15000.0).code,
                         ShopError.TRANSACTION_DOES_NOT_EXIST)
        self.assertEqual(shop.decide(complete, TxStatus.PREPARED, 77, 500.0).code,
                         ShopError.INCORRECT_AMOUNT)
        cancel_wrong_amount = self._notice(dict(COMPLETE_FORM, error='-1', amount='1'))
        self.assertEqual(shop.decide(cancel_wrong_amount, TxStatus.PREPARED, 77, 15000.0),
                         shop.Decision(ShopError.TRANSACTION_CANCELLED, Effect.CANCEL))
        prepare_failed = self._notice(dict(PREPARE_FORM, error='-1'))
        self.assertEqual(shop.decide(prepare_failed, TxStatus.NEW, 77, 15000.0),
                         shop.Decision(ShopError.TRANSACTION_CANCELLED, Effect.NONE))

    def test_prepare_refuses_more_than_is_left_to_pay(self):
        """SPEC §11 Y: -4 when nothing is left on the documents, -2 beyond what is left."""
        prepare = self._notice(PREPARE_FORM)
        for left, code in [(None, ShopError.SUCCESS), (Decimal('15000'), ShopError.SUCCESS),
                           (Decimal('14999.99'), ShopError.SUCCESS), (Decimal('14999.98'), ShopError.INCORRECT_AMOUNT),
                           (Decimal('0.00'), ShopError.ALREADY_PAID), (Decimal('-500'), ShopError.ALREADY_PAID)]:
            with self.subTest(left=left):
                self.assertEqual(shop.decide(prepare, TxStatus.NEW, 77, 15000.0, amount_left=left).code, code)

    def test_complete_records_debited_money_and_flags_what_needs_a_person(self):
        complete = self._notice(COMPLETE_FORM)
        self.assertEqual(shop.decide(complete, TxStatus.PREPARED, 77, 15000.0, amount_left=Decimal('5000')),
                         shop.Decision(ShopError.SUCCESS, Effect.CONFIRM, Alert.OVERPAID, Decimal('10000.00')))
        self.assertEqual(shop.decide(complete, TxStatus.PREPARED, 77, 15000.0, amount_left=Decimal('-1')).excess,
                         Decimal('15000.00'), "the excess is at most the payment")
        self.assertEqual(shop.decide(complete, TxStatus.PAID, 77, 15000.0, held=1946296773).alert, Alert.NONE)
        self.assertEqual(shop.decide(complete, TxStatus.PAID, 77, 15000.0, held=1).alert, Alert.PAID_TWICE)
        self.assertEqual(shop.decide(complete, TxStatus.CANCELLED, 77, 15000.0).alert,
                         Alert.DEBITED_WHILE_CANCELLED)
        cancel = self._notice(dict(COMPLETE_FORM, error='-5017'))
        self.assertEqual(shop.decide(cancel, TxStatus.CANCELLED, 77, 15000.0).alert, Alert.NONE)
        self.assertEqual(shop.decide(cancel, TxStatus.PAID, 77, 15000.0, held=1).alert, Alert.NONE)

    def test_answers(self):
        self.assertEqual(shop.build_answer(ShopError.SUCCESS, PREPARE_FORM, 77), {
            'click_trans_id': 2854621, 'merchant_trans_id': 'S00042-1', 'merchant_prepare_id': 77,
            'error': 0, 'error_note': 'Success',
        })
        self.assertEqual(shop.build_answer(ShopError.SUCCESS, COMPLETE_FORM, 77)['merchant_confirm_id'], 77)
        self.assertEqual(shop.build_answer(ShopError.BAD_REQUEST, {'click_trans_id': 'x'}),
                         {'error': -8, 'error_note': 'Error in request from click'})
        self.assertNotIn('merchant_prepare_id', shop.build_answer(ShopError.ALREADY_PAID, PREPARE_FORM, 77))


    def test_only_success_or_failure_settles_a_merchant_api_status(self):
        """SPEC §7.5.3: 2 is successful and negatives failed; 0, 1 and undocumented values are asked again."""
        self.assertEqual([shop.payment_finished(s) for s in (2, -1, -9, None, 0, 1, 3, 7)],
                         [True, True, True, False, False, False, False, False])
        self.assertEqual(shop.status_notice(9, 2, Decimal('10')).error, 0)
        self.assertEqual(shop.status_notice(9, -9, Decimal('10')).error, -9)
        with self.assertRaises(ValueError):
            shop.status_notice(9, 3, Decimal('10'))

    def test_status_decisions(self):
        """A status answer is what Odoo asked for, not a Complete: it needs no Prepare; only a success
        confirms; another payment's failure (an earlier attempt) changes nothing; another payment's
        success on a paid record is a second debit."""
        held, other = 1946296773, 1946296000
        success, failure = shop.status_notice(held, 2, Decimal('15000')), shop.status_notice(held, -9, Decimal('15000'))
        other_success, other_failure = (shop.status_notice(other, status, Decimal('15000')) for status in (2, -5017))
        cases = [
            (success, TxStatus.NEW, None, ShopError.SUCCESS, Effect.CONFIRM, Alert.NONE),
            (success, TxStatus.PREPARED, held, ShopError.SUCCESS, Effect.CONFIRM, Alert.NONE),
            (other_success, TxStatus.PREPARED, held, ShopError.SUCCESS, Effect.CONFIRM, Alert.NONE),
            (success, TxStatus.PAID, held, ShopError.ALREADY_PAID, Effect.NONE, Alert.NONE),
            (other_success, TxStatus.PAID, held, ShopError.ALREADY_PAID, Effect.NONE, Alert.PAID_TWICE),
            (success, TxStatus.CANCELLED, held, ShopError.TRANSACTION_CANCELLED, Effect.NONE,
             Alert.DEBITED_WHILE_CANCELLED),
            (failure, TxStatus.NEW, None, ShopError.TRANSACTION_CANCELLED, Effect.CANCEL, Alert.NONE),
            (failure, TxStatus.PREPARED, held, ShopError.TRANSACTION_CANCELLED, Effect.CANCEL, Alert.NONE),
            (other_failure, TxStatus.PREPARED, held, ShopError.TRANSACTION_DOES_NOT_EXIST, Effect.NONE, Alert.NONE),
            (other_failure, TxStatus.PAID, held, ShopError.TRANSACTION_DOES_NOT_EXIST, Effect.NONE, Alert.NONE),
            (failure, TxStatus.PAID, held, ShopError.ALREADY_PAID, Effect.NONE, Alert.NONE),
        ]
        for notice, status, holds, code, effect, alert in cases:
            with self.subTest(payment=notice.payment_id, error=notice.error, status=status, held=holds):
                decision = shop.decide(notice, status, 77, 15000.0, held=holds)
                self.assertEqual((decision.code, decision.effect, decision.alert), (code, effect, alert))

    def test_a_status_records_debited_money_beyond_what_is_left_and_flags_it(self):
        success = shop.status_notice(9, 2, Decimal('15000'))
        self.assertEqual(shop.decide(success, TxStatus.PREPARED, 77, 15000.0, amount_left=Decimal('5000'), held=9),
                         shop.Decision(ShopError.SUCCESS, Effect.CONFIRM, Alert.OVERPAID, Decimal('10000')))


@tagged('post_install', '-at_install', 'click_unit')
class TestDeployment(BaseCase):

    def test_click_can_only_call_public_https_addresses(self):
        problems = deployment.callback_url_problems
        self.assertEqual(problems('https://shop.example.uz/payment/click/prepare'), [])
        self.assertEqual(problems('https://195.158.0.10/payment/click/prepare'), [])
        self.assertEqual(problems('http://shop.example.uz/payment/click/prepare'), [deployment.NOT_HTTPS])
        for url in ('https://localhost:8069/x', 'https://192.168.1.5/x', 'https://10.0.0.2/x', 'https://odoo/x',
                    'https://[::1]/x', 'https://odoo.local/x', 'https://127.0.0.1/x'):
            with self.subTest(url=url):
                self.assertEqual(problems(url), [deployment.NOT_PUBLIC])
        self.assertEqual(problems('http://localhost:8069/x'), [deployment.NOT_HTTPS, deployment.NOT_PUBLIC])
