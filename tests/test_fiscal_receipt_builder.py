"""The fiscal receipt builder (SPEC §9, §11 L and M), without a database: every amount in tiyin."""
import json
from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.payment_click.click_api import fiscal
from odoo.addons.payment_click.click_api.fiscal import FiscalError, ReceiptLine
from odoo.addons.payment_click.tests.common import FiscalCase

SPIC_GOODS = '10305001001000001'
SPIC_DELIVERY = '10112006002000000'
TIN = {'TIN': '123456789'}


def line(label, quantity, price_unit, vat_percent=12, discount='0', **values):
    """A document line whose name is its label, sold by the piece ("dona"), with an IKPU and a package code."""
    values = {'name': label, 'unit': 'dona', 'spic': SPIC_GOODS, 'package_code': '1501234', **values}
    return ReceiptLine(label=label, quantity=Decimal(quantity), price_unit=Decimal(price_unit),
                       discount=Decimal(discount), vat_percent=vat_percent, **values)


def receipt(lines, paid, commission_info=None):
    return fiscal.build_receipt(36, 1946296773, lines, Decimal(paid), commission_info or TIN)


@tagged('post_install', '-at_install', 'click_unit')
class TestFiscalReceipt(FiscalCase):

    def test_spec_example_is_built_exactly(self):
        """SPEC §9.1's body, 50,000 so'm at 12 %: VAT 535,714 tiyin."""
        body = receipt([line('[PRM] Premium', '1', '50000.00', name='Premium obuna 1 oy', package_code='123456')],
                       '50000.00')
        self.assertEqual(body, {
            'service_id': 36,
            'payment_id': 1946296773,
            'items': [{
                'Name': 'Premium obuna 1 oy dona',
                'SPIC': '10305001001000001',
                'PackageCode': '123456',
                'GoodPrice': 5000000,
                'Price': 5000000,
                'Amount': 1,
                'VAT': 535714,
                'VATPercent': 12,
                'CommissionInfo': {'TIN': '123456789'},
            }],
            'received_ecash': 5000000,
            'received_cash': 0,
            'received_card': 0,
        })
        self.assertEqual(list(body['items'][0]), ['Name', 'SPIC', 'PackageCode', 'GoodPrice', 'Price', 'Amount',
                                                  'VAT', 'VATPercent', 'CommissionInfo'])

    def test_vat_is_included_in_the_price_and_rounded_half_up(self):
        self.assertEqual(fiscal.vat_of(5_000_000, 12), 535_714)   # 535,714.29
        self.assertEqual(fiscal.vat_of(112, 12), 12)
        self.assertEqual(fiscal.vat_of(14, 12), 2)                # 1.5 rounds up
        self.assertEqual(fiscal.vat_of(13, 12), 1)                # 1.39
        self.assertEqual(fiscal.vat_of(115, 15), 15)
        self.assertEqual(fiscal.vat_of(9_999_999, 0), 0)

    def test_tiyin_are_rounded_only_beyond_two_decimals(self):
        self.assertEqual(fiscal.to_tiyin(Decimal('3333.33')), 333_333)
        self.assertEqual(fiscal.to_tiyin(Decimal('0.005')), 1)
        self.assertEqual(fiscal.to_tiyin(Decimal('0.0049')), 0)
        self.assertEqual(fiscal.to_tiyin(3333.33), 333_333)       # an Odoo float, read by its shortest text
        self.assertEqual(fiscal.to_som(10_000_000_000), Decimal('100000000.00'))

    def test_line_and_global_discounts(self):
        """A line discount stays on its line; a global discount is shared by what each line costs."""
        body = receipt([
            line('[DESK] Office desk', '2', '1500000.00', discount='300000.00'),
            line('[CHAIR] Office chair', '3', '450000.00'),
            line('[LAMP] Desk lamp', '1', '450000.00'),
            line('Global discount', '1', '-45000.01', spic='', package_code=''),
        ], '4454999.99')
        self.assertBalanced(body)
        desk, chair, lamp = body['items']
        self.assertEqual((desk['GoodPrice'], desk['Price'], desk['Amount']), (150_000_000, 300_000_000, 2))
        # 4,500,001 tiyin over 270,000,000 : 135,000,000 : 45,000,000 = 2,700,000.6 : 1,350,000.3 : 450,000.1,
        # the tiyin left going to the largest remainder.
        self.assertEqual(self.discounts(body), [30_000_000 + 2_700_001, 1_350_000, 450_000])
        self.assertEqual(desk['VAT'], 28_639_286)    # 267,299,999 × 12 / 112 = 28,639,285.61
        self.assertEqual(chair['VAT'], 14_319_643)   # 133,650,000 × 12 / 112 = 14,319,642.86
        self.assertEqual(lamp['VAT'], 4_773_214)     # 44,550,000 × 12 / 112 = 4,773,214.29
        self.assertEqual(body['received_ecash'], 445_499_999)

    def test_largest_remainder_is_exact_and_deterministic(self):
        """Equal remainders go to the earlier lines."""
        lines = [line(f'Item {index}', '1', '1.00') for index in range(3)]
        items = fiscal.build_items([*lines, line('Coupon', '1', '-0.02')], TIN)
        self.assertEqual(self.discounts({'items': items}), [1, 1, 0])
        items = fiscal.build_items([*lines, line('Coupon', '1', '-1.00')], TIN)
        self.assertEqual(self.discounts({'items': items}), [34, 33, 33])
        self.assertEqual(fiscal.build_items([*lines, line('Coupon', '1', '-1.00')], TIN), items)

    def test_12_and_0_percent_vat_mixed_keep_their_own_discounts(self):
        body = receipt([
            line('[BOOK] Textbook', '4', '25000.00', vat_percent=0),
            line('[PEN] Pen', '10', '3500.00', vat_percent=12),
            line('Discount on 0 % VAT lines', '1', '-1000.00', vat_percent=0),
            line('Discount on 12 % VAT lines', '1', '-350.00', vat_percent=12),
        ], '133650.00')
        self.assertBalanced(body)
        book, pen = body['items']
        fields = ('Price', 'Discount', 'VAT', 'VATPercent')
        self.assertEqual([book[name] for name in fields], [10_000_000, 100_000, 0, 0])
        self.assertEqual([pen[name] for name in fields], [3_500_000, 35_000, 371_250, 12])

    def test_negative_line_without_lines_at_its_rate_is_spread_over_all_lines(self):
        body = receipt([
            line('[BOOK] Textbook', '4', '25000.00', vat_percent=0),
            line('[PEN] Pen', '10', '3500.00', vat_percent=12),
            line('Coupon', '1', '-135.00', vat_percent=15),
        ], '134865.00')
        self.assertBalanced(body)
        self.assertEqual(self.discounts(body), [10_000, 3_500])

    def test_delivery_line(self):
        body = receipt([
            line('[SOFA] Sofa', '1', '7250000.00'),
            line('Delivery to Tashkent', '1', '150000.00', unit='', spic=SPIC_DELIVERY, package_code='1503007'),
        ], '7400000.00')
        self.assertBalanced(body)
        sofa, delivery = body['items']
        self.assertEqual((sofa['Price'], sofa['VAT']), (725_000_000, 77_678_571))   # 77,678,571.43
        self.assertEqual(delivery['Name'], 'Delivery to Tashkent')
        self.assertEqual((delivery['SPIC'], delivery['Price'], delivery['VAT']), (SPIC_DELIVERY, 15_000_000, 1_607_143))

    def test_hundred_million_som_total(self):
        body = receipt([
            line('[RACK] Server rack', '4', '24999999.99'),
            line('[CABLE] Patch cable', '4', '0.01', vat_percent=0),
        ], '100000000.00')
        self.assertBalanced(body)
        self.assertEqual(body['received_ecash'], 10_000_000_000)
        rack, cable = body['items']
        self.assertEqual((rack['GoodPrice'], rack['Price'], rack['VAT']), (2_499_999_999, 9_999_999_996, 1_071_428_571))
        self.assertEqual((cable['GoodPrice'], cable['Price'], cable['VAT']), (1, 4, 0))

    def test_down_payment_deduction_on_final_invoice(self):
        """The final invoice deducts a 30 % down payment, one line per VAT rate (Odoo's quantity −1)."""
        body = receipt([
            line('[DESK] Office desk', '2', '1500000.00'),
            line('Delivery', '1', '200000.00', unit='', spic=SPIC_DELIVERY),
            line('[BOOK] Catalogue', '1', '800000.00', vat_percent=0),
            line('Down payment of 12/03/2025 (12 % VAT)', '-1', '960000.00', spic='', package_code=''),
            line('Down payment of 12/03/2025 (0 % VAT)', '-1', '240000.00', vat_percent=0, spic='', package_code=''),
        ], '2800000.00')
        self.assertBalanced(body)
        self.assertEqual(body['received_ecash'], 280_000_000)
        self.assertEqual([item['Price'] for item in body['items']], [300_000_000, 20_000_000, 80_000_000])
        self.assertEqual(self.discounts(body), [90_000_000, 6_000_000, 24_000_000])
        self.assertEqual([item['VAT'] for item in body['items']], [22_500_000, 1_500_000, 0])
        self.assertEqual([item['Amount'] for item in body['items']], [2, 1, 1])

    def test_a_discounted_line_states_the_documents_own_unit_price_and_discount(self):
        """3 × 4,115.55 so'm at 10 % off, which the invoice totals 11,111.99: the receipt says 411,555 and
        123,466 tiyin, as the invoice does, never a price worked back from the total."""
        price, discount = fiscal.unit_price_and_discount(Decimal('4115.55'), Decimal(3), Decimal('11111.99'))
        self.assertEqual((price, discount), (Decimal('4115.55'), Decimal('1234.66')))
        body = receipt([line('[TEA] Tea', '3', price, discount=discount)], '11111.99')
        self.assertBalanced(body)
        [item] = body['items']
        self.assertEqual((item['GoodPrice'], item['Price'], item['Discount']), (411_555, 1_234_665, 123_466))
        self.assertEqual(item['Price'] - item['Discount'], 1_111_199)

    def test_a_unit_price_short_of_the_total_is_worked_back_from_it(self):
        """A VAT added on top of each line, rounded per line, can make the line's total exceed price ×
        quantity; an unknown or sub-tiyin price too: then the price is the total shared out, rounded up."""
        self.assertEqual(fiscal.unit_price_and_discount(Decimal('33.33'), Decimal(3), Decimal('100.00')),
                         (Decimal('33.34'), Decimal('0.02')))
        self.assertEqual(fiscal.unit_price_and_discount(Decimal('1.2345'), Decimal(2), Decimal('2.40')),
                         (Decimal('1.20'), Decimal('0.00')))
        self.assertEqual(fiscal.unit_price_and_discount(None, Decimal(3), Decimal('100.00')),
                         (Decimal('33.34'), Decimal('0.02')))
        self.assertEqual(fiscal.unit_price_and_discount(Decimal('50.00'), Decimal(2), Decimal('100.00')),
                         (Decimal('50.00'), Decimal('0.00')))

    def test_rounding_heavy_prices(self):
        body = receipt([
            line('[CLIP] Paper clips', '3', '3333.33'),
            line('[PIN] Pins', '7', '0.01'),
            line('Rounding discount', '1', '-0.01'),
        ], '10000.05')
        self.assertBalanced(body)
        clips, pins = body['items']
        self.assertEqual((clips['GoodPrice'], clips['Price'], clips['Discount'], clips['VAT']),
                         (333_333, 999_999, 1, 107_143))      # 999,998 × 12 / 112 = 107,142.68
        self.assertEqual((pins['GoodPrice'], pins['Price'], pins['VAT']), (1, 7, 1))   # 0.75 rounds up
        self.assertNotIn('Discount', pins)

    def test_fractional_tiyin_price_rounds_half_up_when_the_totals_agree(self):
        body = receipt([line('[NAIL] Nail', '3', '0.005')], '0.02')
        self.assertEqual((body['items'][0]['GoodPrice'], body['items'][0]['Price']), (1, 2))   # 0.5 and 1.5 tiyin
        self.assertBalanced(body)

    def test_odoo_floats_are_read_by_their_digits(self):
        body = fiscal.build_receipt('36', '1946296773', [ReceiptLine(
            label='[CLIP] Paper clips', name='Paper clips', unit='dona', quantity=3.0, price_unit=3333.33,
            vat_percent=12.0, spic=SPIC_GOODS, package_code='1501234')], 9999.99, TIN)
        self.assertEqual((body['service_id'], body['payment_id']), (36, 1946296773))
        self.assertEqual((body['items'][0]['Price'], body['items'][0]['VATPercent']), (999_999, 12))
        self.assertEqual(body['received_ecash'], 999_999)

    def test_name_is_shortened_but_keeps_its_unit(self):
        long_name = 'Ergonomic office desk with electric height adjustment, oak veneer, 160 × 80 cm'
        name = fiscal.receipt_name(long_name, 'dona')
        self.assertEqual(len(name), 63)
        self.assertTrue(name.endswith('… dona'), name)
        self.assertTrue(name.startswith('Ergonomic office desk with electric height'))
        exact = 'x' * 58
        self.assertEqual(fiscal.receipt_name(exact, 'dona'), exact + ' dona')
        self.assertEqual(fiscal.receipt_name(exact + 'y', 'dona'), 'x' * 57 + '… dona')
        self.assertEqual(fiscal.receipt_name('y' * 70, ''), 'y' * 62 + '…')
        self.assertEqual(fiscal.receipt_name('[DESK] Office desk\nOak,  160 cm ', 'dona'),
                         '[DESK] Office desk Oak, 160 cm dona')
        body = receipt([line('[DESK] Office desk', '1', '10.00', name=long_name, unit='kg')], '10.00')
        self.assertEqual(body['items'][0]['Name'], fiscal.receipt_name(long_name, 'kg'))

    def test_free_items_are_kept_and_notes_dropped(self):
        body = receipt([
            line('Section: Furniture', '0', '0', spic='', package_code='', unit=''),
            line('[DESK] Office desk', '1', '1500000.00'),
            line('[GIFT] Free mug', '1', '0'),
            line('Free delivery', '1', '0', spic='', package_code=''),
            line('Note: delivered on Monday', '0', '0'),
        ], '1500000.00')
        self.assertBalanced(body)
        self.assertEqual([item['Name'] for item in body['items']], ['[DESK] Office desk dona', '[GIFT] Free mug dona'])
        mug = body['items'][1]
        self.assertEqual((mug['GoodPrice'], mug['Price'], mug['Amount'], mug['VAT']), (0, 0, 1, 0))

    def test_optional_fields_only_when_given(self):
        items = fiscal.build_items([
            line('[WINE] Wine', '2', '120000.00', units_code=1502, barcode='4780000000017',
                 labels=('01047800000000172',), discount='1000.00'),
            line('[DESK] Office desk', '1', '10.00'),
        ], {'TIN': '123456789', 'PINFL': ''})
        wine, desk = items
        self.assertEqual(list(wine), ['Name', 'Barcode', 'Labels', 'SPIC', 'Units', 'PackageCode', 'GoodPrice',
                                      'Price', 'Amount', 'Discount', 'VAT', 'VATPercent', 'CommissionInfo'])
        self.assertEqual((wine['Barcode'], wine['Labels'], wine['Units'], wine['Discount']),
                         ('4780000000017', ['01047800000000172'], 1502, 100_000))
        self.assertEqual(list(desk), ['Name', 'SPIC', 'PackageCode', 'GoodPrice', 'Price', 'Amount', 'VAT',
                                      'VATPercent', 'CommissionInfo'])
        self.assertEqual(desk['CommissionInfo'], {'TIN': '123456789'})

    def test_commission_agent_tin_and_pinfl(self):
        both = {'TIN': '123456789', 'PINFL': '12345678901234'}
        items = fiscal.build_items([line('[DESK] Office desk', '1', '10.00')], both)
        self.assertEqual(items[0]['CommissionInfo'], both)
        items = fiscal.build_items([line('[DESK] Office desk', '1', '10.00')], {'PINFL': '12345678901234'})
        self.assertEqual(items[0]['CommissionInfo'], {'PINFL': '12345678901234'})

    def test_goods_sold_on_commission_carry_their_principals_id(self):
        items = fiscal.build_items([
            line('[DESK] Office desk', '1', '10.00'),
            line('[VASE] Consigned vase', '1', '20.00', commission_info={'PINFL': '12345678901234'}),
        ], TIN)
        self.assertEqual([item['CommissionInfo'] for item in items], [TIN, {'PINFL': '12345678901234'}])
        self.assertEqual(fiscal.commission_info_of('UZ 301 234 567'), {'TIN': '301234567'})
        self.assertEqual(fiscal.commission_info_of('12345678901234'), {'PINFL': '12345678901234'})

    def test_every_number_is_an_int(self):
        """No float and no Decimal anywhere: Click takes integers only (SPEC §9.1)."""
        body = receipt([
            line('[DESK] Office desk', '2', '1500000.00', discount='0.50', units_code=1502),
            line('[CLIP] Paper clips', '3', '3333.33'),
            line('[BOOK] Catalogue', '1', '800000.00', vat_percent=0),
            line('Global discount', '1', '-1234.57'),
            line('Down payment', '-1', '100000.00', vat_percent=0),
        ], '3708764.92')
        self.assertBalanced(body)
        numbers = []

        def collect(value):
            if isinstance(value, dict):
                for child in value.values():
                    collect(child)
            elif isinstance(value, list):
                for child in value:
                    collect(child)
            elif not isinstance(value, str):
                numbers.append(value)
        collect(body)
        self.assertGreater(len(numbers), 20)
        for number in numbers:
            self.assertIs(type(number), int, number)
        self.assertEqual(json.loads(json.dumps(body)), body)


@tagged('post_install', '-at_install', 'click_unit')
class TestFiscalRefusals(FiscalCase):

    def test_fractional_quantity_is_refused(self):
        error = self.assertRefused(fiscal.build_items, [line('[SUGAR] Sugar', '1.50', '12000.00', unit='kg')], TIN,
                                   line='[SUGAR] Sugar')
        self.assertEqual((error.code, error.params), (FiscalError.FRACTIONAL_QUANTITY, {'quantity': Decimal('1.5')}))

    def test_missing_ikpu_or_package_code_is_listed_at_once(self):
        lines = [
            line('[DESK] Office desk', '1', '10.00', spic=''),
            line('[CHAIR] Office chair', '1', '10.00', spic='1030500100100000'),   # 16 digits
            line('[LAMP] Desk lamp', '1', '10.00', package_code=''),
            line('[PEN] Pen', '1', '10.00'),
            line('[DESK] Office desk', '2', '10.00', spic=''),
            line('Note', '0', '0', spic='', package_code=''),
            line('Global discount', '1', '-1.00', spic='', package_code=''),
            line('[GIFT] Free mug', '1', '0', package_code=''),
        ]
        self.assertEqual(fiscal.check_lines(lines),
                         ['[DESK] Office desk', '[CHAIR] Office chair', '[LAMP] Desk lamp', '[GIFT] Free mug'])
        with self.assertRaises(FiscalError) as caught:
            fiscal.build_items(lines, TIN)
        self.assertEqual(caught.exception.code, FiscalError.MISSING_MASTER_DATA)
        self.assertEqual(caught.exception.labels,
                         ('[DESK] Office desk', '[CHAIR] Office chair', '[LAMP] Desk lamp', '[GIFT] Free mug'))
        self.assertEqual(fiscal.check_lines(lines[3:4]), [])

    def test_wrong_total_is_refused_with_both_amounts(self):
        """A partial payment of an invoice is never fiscalized by adjusting the items."""
        error = self.assertRefused(receipt, [line('[DESK] Office desk', '2', '500000.00')], '400000.00')
        self.assertEqual(error.params, {'total': Decimal('1000000.00'), 'paid': Decimal('400000.00')})
        error = self.assertRefused(receipt, [line('[DESK] Office desk', '1', '100.00')], '100.01')
        self.assertEqual(error.params, {'total': Decimal('100.00'), 'paid': Decimal('100.01')})

    def test_a_partial_payment_is_refused_saying_what_to_do(self):
        """An instalment or advance: Click's receipt lists goods sold, and invented discounts would be false."""
        error = self.assertRefused(receipt, [line('[DESK] Office desk', '2', '500000.00')], '250000.00')
        self.assertEqual(error.code, FiscalError.PARTIAL_PAYMENT)
        self.assertTrue(error.by_hand, "the cash register issues it")
        error = self.assertRefused(receipt, [line('[DESK] Office desk', '2', '500000.00')], '1000000.01')
        self.assertEqual(error.code, FiscalError.OVERPAID)
        self.assertTrue(error.by_hand)

    def test_a_principal_without_a_valid_id_names_the_line(self):
        error = self.assertRefused(fiscal.build_items, [
            line('[DESK] Office desk', '1', '10.00'),
            line('[VASE] Consigned vase', '1', '20.00', commission_info=fiscal.commission_info_of('12345')),
        ], TIN, line='[VASE] Consigned vase')
        self.assertEqual(error.code, FiscalError.LINE_COMMISSION)
        principal = error.params['error']
        self.assertEqual((principal.code, principal.params),
                         (FiscalError.COMMISSION_ID_FORMAT, {'kind': 'TIN', 'digits': 9, 'value': '12345'}))

    def test_rounding_difference_names_the_line(self):
        """3 × 33.333 so'm is 9,999.9 tiyin: rounded, the items come to 100.00 so'm, not 99.99."""
        error = self.assertRefused(receipt, [line('[PEN] Pen', '1', '10.00'), line('[NAIL] Nail', '3', '33.333')],
                                   '109.99', line='[NAIL] Nail')
        self.assertEqual((error.code, error.params), (FiscalError.ROUNDING,
                                                      {'total': Decimal('110.00'), 'paid': Decimal('109.99')}))
        self.assertEqual(error.labels, ('[NAIL] Nail',))
        self.assertFalse(error.by_hand, "prices with 2 decimals let Click issue it")

    def test_negative_line_larger_than_what_it_is_spread_over(self):
        """A 12 % discount is not moved onto 0 % lines to make it fit."""
        lines = [
            line('[PEN] Pen', '1', '100.00'),
            line('[BOOK] Textbook', '1', '500.00', vat_percent=0),
            line('Discount 12 %', '1', '-150.00'),
        ]
        error = self.assertRefused(fiscal.build_items, lines, TIN, line='Discount 12 %')
        self.assertEqual((error.code, error.params), (FiscalError.NEGATIVE_TOO_LARGE, {
            'amount': Decimal('150.00'), 'available': Decimal('100.00'), 'vat_percent': 12,
        }))
        self.assertRefused(fiscal.build_items, [line('[PEN] Pen', '1', '10.00'), line('Coupon', '1', '-10.01', 15)],
                           TIN, line='Coupon')
        self.assertRefused(fiscal.build_items, [line('Coupon', '1', '-1.00')], TIN, line='Coupon')

    def test_nothing_to_put_on_a_receipt(self):
        self.assertEqual(self.assertRefused(fiscal.build_items, [line('Note', '0', '0')], TIN).code,
                         FiscalError.NO_ITEMS)
        self.assertEqual(self.assertRefused(fiscal.build_items, [], TIN).code, FiscalError.NO_ITEMS)

    def test_field_formats_are_refused(self):
        cases = [
            ({'spic': '1030500100100000A'}, FiscalError.MISSING_MASTER_DATA),
            ({'package_code': '1' * 21}, FiscalError.PACKAGE_CODE_LENGTH),
            ({'barcode': '47800000000171'}, FiscalError.BARCODE_LENGTH),
            ({'labels': ('0104780000000017',) * 301}, FiscalError.TOO_MANY_LABELS),
            ({'labels': ('0' * 22,)}, FiscalError.LABEL_FORMAT),
            ({'labels': '0104780000000017'}, FiscalError.LABELS_NOT_A_LIST),
            ({'units_code': -1}, FiscalError.UNITS_CODE),
            ({'units_code': '1502'}, FiscalError.UNITS_CODE),
            ({'vat_percent': Decimal('12.5')}, FiscalError.VAT_RATE),
            ({'vat_percent': 101}, FiscalError.VAT_RATE),
            ({'discount': Decimal('10.01')}, FiscalError.DISCOUNT_RANGE),
            ({'discount': Decimal('-1')}, FiscalError.DISCOUNT_RANGE),
            ({'name': ' \n'}, FiscalError.NO_NAME),
            ({'unit': 'u' * 62}, FiscalError.UNIT_TOO_LONG),
        ]
        for values, code in cases:
            with self.subTest(values=str(values)[:60]):
                fields = {'quantity': '1', 'price_unit': '10.00', **values}
                error = self.assertRefused(fiscal.build_items, [line('[DESK] Office desk', **fields)], TIN,
                                           line='[DESK] Office desk')
                self.assertEqual(error.code, code)
        error = self.assertRefused(fiscal.build_items, [line('[DESK] Office desk', '-1', '-10.00')], TIN,
                                   line='[DESK] Office desk')
        self.assertEqual(error.code, FiscalError.NEGATIVE_QUANTITY)

    def test_commission_info_is_checked(self):
        lines = [line('[DESK] Office desk', '1', '10.00')]
        for info in ({}, None, {'TIN': ''}, {'TIN': '12345678'}, {'TIN': '12345678a'}, {'PINFL': '1234567890123'},
                     {'TIN': '123456789', 'INN': '123456789'}):
            with self.subTest(info=info):
                self.assertRefused(fiscal.build_items, lines, info)

    def test_ids_and_payment_are_checked(self):
        lines = [line('[DESK] Office desk', '1', '10.00')]
        for service_id, payment_id, paid in ((0, 1, '10.00'), (36, 'abc', '10.00'), (True, 1, '10.00'),
                                             (36, 1, '0'), (36, 1, '-10.00')):
            with self.subTest(service_id=service_id, payment_id=payment_id, paid=paid):
                self.assertRefused(fiscal.build_receipt, service_id, payment_id, lines, Decimal(paid), TIN)
        self.assertRefused(fiscal.build_receipt, 36, 1, lines, '10.00', TIN)
