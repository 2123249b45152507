"""Click payouts in plain Python, without a database: proposals, figures and Click's registry."""
import io
from datetime import date
from decimal import Decimal

import openpyxl

from odoo.tests import BaseCase, tagged

from odoo.addons.payment_click.click_api import settlement
from odoo.addons.payment_click.click_api.settlement import Candidate, RegistryError

D = Decimal
MON, TUE, WED = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


@tagged('post_install', '-at_install', 'click_unit')
class TestSettlementFigures(BaseCase):

    def test_commission_and_rate_are_exact_to_the_tiyin(self):
        figures = settlement.figures(D('150000.00'), D('147000.00'))
        self.assertEqual(figures, settlement.Figures(D('150000.00'), D('147000.00'), D('3000.00'), D('2.00')))
        self.assertEqual(settlement.figures(D('1000.005'), D('980')).gross, D('1000.01'))
        self.assertEqual(settlement.figures(D('0'), D('0')).rate, D('0'))

    def test_rate_within_tolerance(self):
        self.assertTrue(settlement.rate_within(D('2.40'), 2.0, 0.5))
        self.assertTrue(settlement.rate_within(D('1.50'), 2.0, 0.5))
        self.assertFalse(settlement.rate_within(D('2.51'), 2.0, 0.5))
        self.assertTrue(settlement.rate_within(D('0.00'), 0.0, 0.0), "a gross payout at a zero rate")

    def test_tax_is_split_out_of_the_commission(self):
        base, tax = settlement.split_tax(D('3000.00'), 12)
        self.assertEqual((base, tax), (D('2678.57'), D('321.43')))
        self.assertEqual(base + tax, D('3000.00'))


@tagged('post_install', '-at_install', 'click_unit')
class TestSettlementProposal(BaseCase):

    CANDIDATES = [
        Candidate(1, MON, D('100000.00')),
        Candidate(2, MON, D('50000.00')),
        Candidate(3, TUE, D('200000.00')),
        Candidate(4, TUE, D('-20000.00')),  # a refund nets inside the payout
        Candidate(5, WED, D('70000.00')),
    ]

    def propose(self, net, payout_day=WED, lag=1, rate=2.0, tolerance=0.5):
        return settlement.propose(self.CANDIDATES, D(net), rate, tolerance, payout_day, lag)

    def test_the_days_before_the_lag_are_proposed(self):
        self.assertEqual(self.propose('176400.00'), [3, 4], "Tuesday's payments less 2 %, paid on Wednesday")
        self.assertEqual(self.propose('323400.00'), [1, 2, 3, 4], "Monday and Tuesday, paid together")

    def test_payments_after_the_cutoff_are_left_out(self):
        self.assertEqual(self.propose('68600.00', lag=0), [5], "with no lag, Wednesday's own payments")
        self.assertEqual(self.propose('68600.00', lag=1), [], "Wednesday's payments are paid on Thursday")

    def test_older_days_match_when_the_last_day_does_not(self):
        self.assertEqual(self.propose('147000.00'), [1, 2], "Monday only, Tuesday's payout still to come")

    def test_nothing_is_proposed_outside_the_tolerance(self):
        self.assertEqual(self.propose('170000.00'), [], "15 % kept is not Click's rate")
        self.assertEqual(self.propose('190000.00'), [], "more than the payments: no negative commission")

    def test_a_gross_payout_matches_at_a_zero_rate(self):
        self.assertEqual(self.propose('180000.00', rate=0, tolerance=0), [3, 4])


@tagged('post_install', '-at_install', 'click_unit')
class TestRegistry(BaseCase):

    def test_csv_with_semicolons_russian_headers_and_commas(self):
        content = (
            '\ufeffНомер платежа;Сумма;Комиссия\n'
            '1946296773;100 000,00;2 000,00\n'
            ';;\n'
            '1946296774;-20000;-400\n'
        ).encode()
        rows = settlement.parse_registry('reestr.csv', content)
        self.assertEqual(rows, [
            settlement.RegistryRow(2, '1946296773', D('100000.00'), D('2000.00')),
            settlement.RegistryRow(4, '1946296774', D('-20000.00'), D('-400.00')),
        ])

    def test_xlsx_with_numbers_as_spreadsheets_store_them(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(['click_paydoc_id', 'merchant_trans_id', 'amount', 'date'])
        sheet.append([1946296773, 'S00042-1', 15000.5, date(2026, 11, 24)])
        sheet.append(['1946296775', 'S00043-1', 99000, None])
        buffer = io.BytesIO()
        book.save(buffer)
        rows = settlement.parse_registry('Registry.XLSX', buffer.getvalue())
        self.assertEqual([(r.payment_id, r.amount, r.commission) for r in rows], [
            ('1946296773', D('15000.50'), None), ('1946296775', D('99000.00'), None),
        ])

    def test_unreadable_registries_say_why(self):
        cases = [
            ('reestr.pdf', b'%PDF', RegistryError.FORMAT),
            ('reestr.csv', b'', RegistryError.EMPTY),
            ('reestr.csv', b'id,total\n1,2\n', RegistryError.COLUMNS),
            ('reestr.csv', b'payment_id,amount\n1,abc\n', RegistryError.AMOUNT),
            ('reestr.csv', b'payment_id,amount\n1,10\n1,10\n', RegistryError.DUPLICATE),
            ('reestr.csv', b'payment_id,amount\n1,10\n1,-10\n1,-10\n', RegistryError.DUPLICATE),
            ('reestr.csv', b'payment_id,amount\n1,NaN\n', RegistryError.AMOUNT),
            ('reestr.xlsx', b'not a workbook', RegistryError.FORMAT),
        ]
        for filename, content, code in cases:
            with self.subTest(filename=filename, content=content), self.assertRaises(RegistryError) as caught:
                settlement.parse_registry(filename, content)
            self.assertEqual(caught.exception.code, code)

    def test_rows_match_exactly_on_the_click_payment_id(self):
        rows = [
            settlement.RegistryRow(2, '111', D('100.00'), D('2.00')),
            settlement.RegistryRow(3, '222', D('50.00'), D('1.00')),
            settlement.RegistryRow(4, '333', D('10.00'), None),
            settlement.RegistryRow(5, '4444', D('10.00'), None),
        ]
        unsettled = {settlement.registry_key(payment_id, amount): (key, amount) for payment_id, key, amount in [
            ('111', 'a', D('100')), ('222', 'b', D('49.99')), ('333', 'c', D('10')), ('444', 'd', D('10'))]}
        matched, unknown, differing, commission = settlement.match_registry(rows, unsettled)
        self.assertEqual(matched, ['a', 'c'])
        self.assertEqual(unknown, ['4444'], "no prefix or fuzzy matching")
        self.assertEqual(differing, [('222', D('50.00'), D('49.99'))])
        self.assertIsNone(commission, "one matched row gives no commission")
        self.assertEqual(settlement.match_registry(rows[:1], unsettled)[3], D('2.00'))

    def test_a_payment_and_its_reversal_share_the_click_payment_id(self):
        content = b'payment_id,amount,commission\n111,15000,300\n111,-15000,-300\n222,60000,1200\n'
        rows = settlement.parse_registry('reestr.csv', content)
        self.assertEqual([(row.payment_id, row.amount) for row in rows],
                         [('111', D('15000.00')), ('111', D('-15000.00')), ('222', D('60000.00'))])
        unsettled = {settlement.registry_key(payment_id, amount): (key, amount) for payment_id, key, amount in [
            ('111', 'paid', D('15000')), ('111', 'refund', D('-15000')), ('222', 'kept', D('60000'))]}
        self.assertEqual(len(unsettled), 3, "the refund does not hide its payment")
        matched, unknown, differing, commission = settlement.match_registry(rows, unsettled)
        self.assertEqual(matched, ['paid', 'refund', 'kept'])
        self.assertEqual((unknown, differing, commission), ([], [], D('1200.00')))
        without_refund = {key: value for key, value in unsettled.items() if value[0] != 'refund'}
        self.assertEqual(settlement.match_registry(rows, without_refund)[:2], (['paid', 'kept'], ['111']),
                         "a reversal Odoo does not know is not taken for its payment")
