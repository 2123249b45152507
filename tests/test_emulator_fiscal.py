"""The test-mode emulator's fiscal receipts (SPEC §9), driven over HTTP by the real Merchant API client."""
import json
import re
import time
from datetime import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.emulator.click import (
    CANCELLED_BY_CLICK,
    FISCAL_ITEM_FIELDS,
    MerchantCode,
    MerchantRefusal,
    check_fiscal_receipt,
    check_receipt_allowed,
    fiscal_qr_url,
    read_receipt_url,
)
from odoo.addons.payment_click.click_api.merchant import (
    MerchantBusinessError,
    MerchantHttpError,
    merchant_auth_header,
)
from odoo.addons.payment_click.click_api.shop import PAYMENT_SUCCESSFUL
from odoo.addons.payment_click.tests.common import OK, SECRET_KEY, MerchantEmulatorCase

# 15,000 so'm, the emulated payments' amount, in two lines at 12 % and 0 % VAT.
PAID = 1500000
ITEMS = [
    {
        'Name': "Premium obuna 1 oy dona", 'SPIC': '10305001001000001', 'PackageCode': '1501527',
        'GoodPrice': 600000, 'Price': 1200000, 'Amount': 2, 'Discount': 100000, 'VAT': 117857, 'VATPercent': 12,
        'CommissionInfo': {'TIN': '123456789'},
    },
    {
        'Name': "Yetkazib berish xizmat", 'SPIC': '10112006002000000', 'PackageCode': '1209779',
        'Barcode': '4780000000011', 'Labels': ['0104780000000011215Ab'], 'Units': 1,
        'Price': 400000, 'Amount': 1, 'VAT': 0, 'VATPercent': 0,
        'CommissionInfo': {'TIN': '123456789', 'PINFL': '12345678901234'},
    },
]
# SPEC §9.2's example.
QR_URL = 'https://ofd.soliq.uz/epi?t=EZ000000000030&r=123456789&c=20221028171340&s=854971301623'
EMULATOR_QR = re.compile(r'https://ofd\.soliq\.uz/epi\?t=EZ000000000030&r=\d{9}&c=\d{14}&s=\d{12}')


def _item(index=0, **changes):
    """A copy of ``ITEMS`` with item ``index`` changed; a change to None removes the field."""
    items = json.loads(json.dumps(ITEMS))
    items[index].update(changes)
    items[index] = {name: value for name, value in items[index].items() if value is not None}
    return items


@tagged('post_install', '-at_install')
class TestEmulatorFiscal(MerchantEmulatorCase):

    def _submit(self, payment):
        return self._call(self.api.submit_fiscal_items, payment.payment_id, ITEMS, PAID)

    def _refused(self, code, method, *args):
        """Make a call the emulator refuses with ``code`` and return Click's note."""
        refusal = self._refusal(MerchantBusinessError, method, *args)
        self.assertEqual(refusal.error_code, code, refusal.error_note)
        return refusal.error_note

    def _fiscal_data(self, payment):
        return self._call(self.api.fiscal_data, payment.payment_id)

    def test_a_valid_receipt_is_accepted_and_its_qr_read_back(self):
        """A payment made on the emulator's payment page, fiscalized by its click_paydoc_id."""
        tx = self._create_click_tx()
        self._answer_on_payment_page(tx, 'pay')
        payment = self._payments(tx.reference)
        self.assertEqual(payment.payment_id, tx.provider_reference)
        self.assertEqual(self._call(self.api.submit_fiscal_items, tx.provider_reference, ITEMS, PAID), OK)
        answer = self._call(self.api.fiscal_data, tx.provider_reference)
        self.assertEqual(answer['payment_id'], int(tx.provider_reference))
        self.assertRegex(answer['qr_code_url'], EMULATOR_QR)
        self.assertEqual(answer['qr_code_url'], payment.fiscal_qr_url)
        self.assertEqual(json.loads(payment.fiscal_receipt), {
            'items': ITEMS, 'received_ecash': PAID, 'received_cash': 0, 'received_card': 0,
        })

    def test_a_receipt_is_never_accepted_twice(self):
        payment = self._emulated_payment()
        self._submit(payment)
        issued = payment.fiscal_qr_url
        for method, args in ((self.api.submit_fiscal_items, (payment.payment_id, ITEMS, PAID)),
                             (self.api.submit_fiscal_qrcode, (payment.payment_id, QR_URL))):
            note = self._refused(MerchantCode.RECEIPT_EXISTS, method, *args)
            self.assertIn("never sent twice", note)
        self.assertEqual(self._fiscal_data(payment)['qr_code_url'], issued)

    def test_invalid_receipts_are_refused_with_a_note(self):
        payment = self._emulated_payment()
        for items, received, note in (
            (_item(Price=1200000.0), (PAID,), "items[0].Price must be a whole number of tiyin written as an "
                                              "integer, not 1200000.0."),
            (_item(1, VAT='0'), (PAID,), 'items[1].VAT must be a whole number of tiyin written as an integer, '
                                         'not "0".'),
            (_item(Amount=1.5), (PAID,), "items[0].Amount must be a whole number (the quantity"),
            (_item(1, SPIC=None), (PAID,), "items[1].SPIC is missing; SPEC §9.1 makes it mandatory."),
            (_item(1, SPIC='1011200600200000'), (PAID,), "items[1].SPIC must be 17 digits"),
            (_item(SPIC=10305001001000001), (PAID,), "items[0].SPIC must be 17 digits, written as text"),
            (_item(Name='x' * 64), (PAID,), "items[0].Name is 64 characters long; Click takes at most 63."),
            (_item(PackageCode='1' * 21), (PAID,), "items[0].PackageCode is 21 characters long"),
            (_item(1, Barcode='47800000000112'), (PAID,), "items[1].Barcode is 14 characters long"),
            (_item(1, Labels=['x'] * 301), (PAID,), "items[1].Labels must be a list of at most 300"),
            (_item(1, Labels=['x' * 22]), (PAID,), "items[1].Labels[0] is 22 characters long"),
            (_item(CommissionInfo=None), (PAID,), "items[0].CommissionInfo is missing"),
            (_item(CommissionInfo={}), (PAID,), "items[0].CommissionInfo must be an object with a TIN"),
            (_item(CommissionInfo={'TIN': '12345678'}), (PAID,), "items[0].CommissionInfo.TIN must be 9 digits"),
            (_item(1, CommissionInfo={'PINFL': '1234567890123'}), (PAID,),
             "items[1].CommissionInfo.PINFL must be 14 digits"),
            (_item(VATPercent=112), (PAID,), "items[0].VATPercent must be a whole number (a percentage) from 0"),
            (_item(Discount=1300000), (PAID,), "items[0]'s Discount and Other (1300000 tiyin) exceed its Price"),
            (_item(Vat=0), (PAID,), "items[0] has a field SPEC §9.1 does not know: Vat."),
            ([], (PAID,), "items must be a list of at least one item."),
            (ITEMS, (PAID + 1,), "The items add up to 1500000 tiyin (Price - Discount - Other), but "
                                 "received_ecash + received_cash + received_card make 1500001 tiyin."),
            (_item(Price=1200100), (PAID + 100,), "received_ecash + received_cash + received_card make 1500100 "
                                                  "tiyin, but the payment is 1500000 tiyin."),
        ):
            with self.subTest(note=note):
                self.assertIn(note, self._refused(MerchantCode.RECEIPT_INVALID, self.api.submit_fiscal_items,
                                                  payment.payment_id, items, *received))
        self.assertFalse(payment.fiscal_qr_url or payment.fiscal_receipt, "nothing was kept")
        self.assertEqual(self._call(self.api.submit_fiscal_items, payment.payment_id, ITEMS, PAID - 300, 100, 200),
                         OK, "cash and card count in the total")

    def test_floats_are_refused_even_when_whole(self):
        """Python's json reads 1500000.0 as a float: Click's integers-only rule refuses it."""
        payment = self._emulated_payment()
        body = json.dumps({
            'service_id': self.api.service_id, 'payment_id': int(payment.payment_id), 'items': ITEMS,
            'received_ecash': PAID, 'received_cash': 0, 'received_card': 0,
        }).replace(f'"received_ecash": {PAID}', f'"received_ecash": {PAID}.0')
        self.env.flush_all()
        response = self.api.session.post(self.api.base_url + 'payment/ofd_data/submit_items', data=body, headers={
            'Auth': merchant_auth_header(self.api.merchant_user_id, SECRET_KEY, int(time.time())),
        })
        self.assertEqual((response.status_code, response.json()), (200, {
            'error_code': MerchantCode.RECEIPT_INVALID,
            'error_note': "received_ecash must be a whole number of tiyin written as an integer, not 1500000.0.",
        }))

    def test_only_a_successful_payment_gets_a_receipt(self):
        payment = self._emulated_payment(payment_status=CANCELLED_BY_CLICK)
        for method, args in ((self.api.submit_fiscal_items, (payment.payment_id, ITEMS, PAID)),
                             (self.api.submit_fiscal_qrcode, (payment.payment_id, QR_URL))):
            self.assertIn(f"status is {CANCELLED_BY_CLICK}", self._refused(MerchantCode.NOT_FISCALIZABLE, method,
                                                                           *args))
        for method, args in ((self.api.submit_fiscal_items, (404404, ITEMS, PAID)),
                             (self.api.submit_fiscal_qrcode, (404404, QR_URL)), (self.api.fiscal_data, (404404,))):
            self.assertIn("No payment 404404", self._refused(MerchantCode.NOT_FOUND, method, *args))

    def test_an_existing_receipt_is_attached_by_its_qr(self):
        payment = self._emulated_payment()
        for bad in ('http://ofd.soliq.uz/epi?t=1', 'ofd.soliq.uz/epi', 'https:///epi', '', None, 5):
            with self.subTest(qrcode=bad):
                note = self._refused(MerchantCode.RECEIPT_INVALID, self.api.submit_fiscal_qrcode, payment.payment_id,
                                     bad)
                self.assertIn("qrcode must be the https address of the receipt", note)
        self.assertEqual(self._call(self.api.submit_fiscal_qrcode, payment.payment_id, QR_URL), OK)
        self.assertEqual(self._fiscal_data(payment), {
            'error_code': 0, 'payment_id': int(payment.payment_id), 'qr_code_url': QR_URL,
        })
        self.assertFalse(payment.fiscal_receipt, "Click has no items for it")
        self._refused(MerchantCode.RECEIPT_EXISTS, self.api.submit_fiscal_items, payment.payment_id, ITEMS, PAID)

    def test_fiscal_data_before_any_receipt_has_no_qr(self):
        payment = self._emulated_payment()
        self.assertEqual(self._fiscal_data(payment), {
            'error_code': 0, 'payment_id': int(payment.payment_id), 'qr_code_url': None,
        })
        response = self.api.session.get(
            f'{self.api.base_url}payment/ofd_data/{self.api.service_id}/{payment.payment_id}',
            headers={'Auth': merchant_auth_header(self.api.merchant_user_id, SECRET_KEY, int(time.time()))},
        )
        self.assertEqual(response.json(), {'paymentId': int(payment.payment_id), 'qrCodeURL': None},
                         "SPEC §9.3's shape: camelCase, without error_code")

    def test_malformed_bodies_answer_400(self):
        payment = self._emulated_payment()
        auth = {'Auth': merchant_auth_header(self.api.merchant_user_id, SECRET_KEY, int(time.time()))}
        for path in ('submit_items', 'submit_qrcode'):
            for body, note in (
                ('[1]', "The body must be a JSON object."),
                ('{"service_id": ', "The body must be a JSON object."),
                (json.dumps({'service_id': self.api.service_id, 'payment_id': '12x'}),
                 "payment_id must be a positive whole number."),
                (json.dumps({'service_id': self.api.service_id, 'payment_id': float(payment.payment_id)}),
                 "payment_id must be a positive whole number."),
            ):
                response = self.api.session.post(f'{self.api.base_url}payment/ofd_data/{path}', data=body,
                                                 headers=auth)
                self.assertEqual((response.status_code, response.json()),
                                 (400, {'error_code': MerchantCode.BAD_REQUEST, 'error_note': note}), body)

    def test_faults_apply_to_the_fiscal_endpoints(self):
        payment = self._emulated_payment()
        calls = ((self.api.submit_fiscal_items, (payment.payment_id, ITEMS, PAID)),
                 (self.api.submit_fiscal_qrcode, (payment.payment_id, QR_URL)),
                 (self.api.fiscal_data, (payment.payment_id,)))
        self._set_emulator_fault('http_500')
        for method, args in calls:
            refusal = self._refusal(MerchantHttpError, method, *args)
            self.assertEqual((refusal.status, refusal.error_note), (500, "Emulated internal server error"))
        self._set_emulator_fault('http_401')
        for method, args in calls:
            self.assertEqual(self._refusal(MerchantHttpError, method, *args).status, 401)
        self._set_emulator_fault('business_error')
        for method, args in calls:
            self.assertTrue(self._refused(MerchantCode.FAILED, method, *args).startswith("Emulated refusal: "))
        self.assertFalse(payment.fiscal_qr_url, "no fault leaves a receipt behind")
        self._set_emulator_fault('none')
        self.assertEqual(self._submit(payment), OK)


@tagged('post_install', '-at_install', 'click_unit')
class TestEmulatorFiscalRules(BaseCase):
    """The emulator's fiscal rules, without HTTP."""

    def test_any_json_value_is_refused_with_a_note(self):
        """Whatever the JSON, the rules answer with a refusal, never another exception (a 500 page)."""
        body = {'service_id': 1, 'payment_id': 2, 'items': ITEMS, 'received_ecash': PAID, 'received_cash': 0,
                'received_card': 0}
        self.assertEqual(check_fiscal_receipt(body, PAID),
                         {'items': ITEMS, 'received_ecash': PAID, 'received_cash': 0, 'received_card': 0})
        values = (None, True, False, 0, -1, 1.0, 2 ** 64, '', ' ', 'x' * 400, '\n', [], [None], {}, {'TIN': None})
        bodies = [dict(body, items=value) for value in values]
        bodies += [dict(body, items=_item(index, **{name: value}))
                   for index in (0, 1) for name in (*FISCAL_ITEM_FIELDS, 'Other') for value in values]
        bodies += [dict(body, **{name: value}) for name in ('received_ecash', 'received_cash', 'received_card')
                   for value in values]
        refused = 0
        for case in bodies:
            try:
                check_fiscal_receipt(case, PAID)  # e.g. Discount 0 is fine
            except MerchantRefusal as refusal:
                refused += 1
                self.assertEqual((refusal.error_code, refusal.http_status), (MerchantCode.RECEIPT_INVALID, 200))
                self.assertTrue(refusal.error_note)
        self.assertGreater(refused, len(bodies) * 0.9)

    def test_qr_addresses(self):
        issued = fiscal_qr_url(1946296773, datetime(2022, 10, 28, 12, 13, 40))
        self.assertRegex(issued, EMULATOR_QR)
        self.assertIn('&r=946296773&c=20221028171340&', issued, "the receipt time is Tashkent's")
        self.assertEqual(issued, fiscal_qr_url(1946296773, datetime(2022, 10, 28, 12, 13, 40)))
        self.assertNotEqual(issued.split('&s=')[1], fiscal_qr_url(1946296774, datetime(2022, 10, 28)).split('&s=')[1])
        self.assertEqual(read_receipt_url(QR_URL), QR_URL)
        for bad in ('javascript:alert(1)', 'https://x/' + 'a' * 500, 'https://ofd.soliq.uz/e pi', ['https://x']):
            with self.assertRaises(MerchantRefusal):
                read_receipt_url(bad)

    def test_receipt_allowed_once_for_a_successful_payment(self):
        self.assertIsNone(check_receipt_allowed(PAYMENT_SUCCESSFUL, False))
        for status, has_receipt, code in ((PAYMENT_SUCCESSFUL, True, MerchantCode.RECEIPT_EXISTS),
                                          (CANCELLED_BY_CLICK, False, MerchantCode.NOT_FISCALIZABLE)):
            with self.assertRaises(MerchantRefusal) as caught:
                check_receipt_allowed(status, has_receipt)
            self.assertEqual(caught.exception.error_code, code)
