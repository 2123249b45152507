"""Click payouts settle the Click payments they cover: one balanced entry, every payment matched."""
import base64
from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.tests.common import CREDENTIALS, ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.emulator.controllers.merchant',
                   'odoo.addons.payment_click.click_api.merchant')


@tagged('post_install', '-at_install')
class TestSettlement(AccountPaymentCommon, ClickCommon):

    @classmethod
    def setup_independent_company(cls, **kwargs):
        """The books of an Uzbek merchant are kept in so'm."""
        uzs = cls.env.ref('base.UZS')
        uzs.active = True
        return super().setup_independent_company(currency_id=uzs.id, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data['default_journal_bank']
        cls.click.journal_id = cls.bank
        cls.today = fields.Date.context_today(cls.click)
        cls.yesterday = cls.today - timedelta(days=1)
        cls.count = 0

    # === Helpers === #

    def _pay(self, amount, day=None, provider=None):
        """A customer pays an invoice on Click's (emulated) page, which calls Prepare and Complete over
        HTTP; the payment is booked on ``day``.
        """
        provider = provider or self.click
        company = provider.company_id
        type(self).count += 1
        invoice = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[amount], currency=self.currency,
                                    company=company, post=True)
        tx = self._create_transaction(
            'redirect', reference=f'SETTLE-{self.count}', amount=amount, provider_id=provider.id,
            invoice_ids=[invoice.id],
        )
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        paid = self.opener.post(button['action'], data=dict(button['inputs'], outcome='pay'), allow_redirects=False)
        self.assertEqual(paid.status_code, 303)
        self._wait_for_click()
        self.assertEqual(tx.state, 'done', "Click's emulator sent a signed Prepare and Complete")
        if day:
            tx.with_company(company)._create_payment(date=day)
        tx._post_process()
        self.assertEqual(tx.payment_id.outstanding_account_id, provider.click_clearing_account_id)
        return tx.payment_id

    def _settlement(self, amount, day=None, providers=None, **values):
        providers = providers or self.click
        return self.env['payment.click.settlement'].with_company(providers.company_id).create({
            'name': f"CLICK payout {day or self.today}",
            'provider_ids': providers.ids,
            'date': day or self.today,
            'amount': amount,
            **values,
        })

    def _covered(self, record):
        return record.line_ids.filtered('selected').payment_id

    def _refund(self, payment):
        """The customer's credit note for ``payment``, refunded through Click: its payment."""
        credit_note = self.env['account.move'].browse(self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=payment.invoice_ids.ids,
        ).create({'journal_id': payment.invoice_ids.journal_id.id}).refund_moves()['res_id'])
        credit_note.action_post()
        credit_note.action_click_refund()
        refund_tx = payment.payment_transaction_id.child_transaction_ids
        refund_tx._post_process()
        return refund_tx.payment_id

    def assertSettled(self, record, payments, net, commission):
        """One balanced entry: the bank for the net, the clearing account for the payments' gross,
        reconciled with them, and the commission for the difference.
        """
        self.assertEqual(record.state, 'done')
        move = record.move_id
        self.assertEqual(move, record.statement_line_id.move_id, "booked on the payout's statement line")
        self.assertEqual(move.state, 'posted')
        self.assertTrue(record.statement_line_id.is_reconciled)
        self.assertTrue(move.currency_id.is_zero(sum(move.line_ids.mapped('balance'))), "balanced")
        self.assertAlmostEqual(sum(move.line_ids.mapped('debit')), sum(move.line_ids.mapped('credit')))
        bank = move.line_ids.filtered(lambda line: line.account_id == record.journal_id.default_account_id)
        self.assertEqual(to_decimal(bank.balance), Decimal(net))
        clearing = move.line_ids.filtered(lambda line: line.account_id in record.provider_ids.click_clearing_account_id)
        self.assertEqual(to_decimal(-sum(clearing.mapped('balance'))), to_decimal(sum(
            p.amount if p.payment_type == 'inbound' else -p.amount for p in payments)))
        fee = move.line_ids - bank - clearing
        self.assertEqual(to_decimal(sum(fee.mapped('balance'))), Decimal(commission))
        if Decimal(commission):
            self.assertIn(record.provider_ids[:1].click_fee_account_id, fee.account_id)
        else:
            self.assertFalse(fee, "a gross payout books no commission")
        for payment in payments:
            payment.invalidate_recordset()
            self.assertTrue(payment.is_matched, f"{payment.name} is matched with the payout")
            payment_clearing = payment.move_id.line_ids.filtered(
                lambda line, p=payment: line.account_id == p.outstanding_account_id)
            self.assertTrue(payment_clearing.reconciled)
            self.assertFalse(payment_clearing.amount_residual)
        self.assertIn("Settled", ' '.join(record.message_ids.mapped('body')))

    # === Setup === #

    def test_click_payments_post_to_their_own_clearing_account_created_once(self):
        account = self.click.click_clearing_account_id
        self.assertEqual(account.name, "Click: payments to settle")
        self.assertEqual(account.account_type, 'asset_current')
        self.assertTrue(account.reconcile)
        self.assertEqual(self.click.click_settlement_journal_id, self.bank)
        self.assertEqual(self.click.click_fee_account_id.name, "Bank Fees")
        self.assertEqual(self.click.click_partner_id.name, "CLICK LLC")
        model = self.env['account.reconcile.model'].search([('name', '=', "Click commission"),
                                                             ('company_id', '=', self.env.company.id)])
        self.assertEqual(model.line_ids.account_id, self.click.click_fee_account_id)
        # A provider set up before: its posted payments stay on the shared Outstanding Receipts.
        outstanding = self.env['account.chart.template'].ref('account_journal_payment_debit_account_id')
        self.click.click_clearing_account_id = outstanding
        old = self._pay(15000.0)
        self.assertEqual(old.outstanding_account_id, outstanding)
        self.click._click_setup_settlement()
        self.click._click_setup_settlement()
        self.assertEqual(self.click.click_clearing_account_id, account)
        self.assertEqual(len(model.exists().line_ids), 1, "the reconciliation model is created once")
        self.assertEqual(self.env['account.account'].search_count([
            ('name', '=', account.name), ('company_ids', 'in', self.env.company.ids)]), 1)
        old.invalidate_recordset()
        self.assertEqual(old.outstanding_account_id, outstanding, "posted payments are left alone")
        self.assertEqual(self._pay(15000.0).outstanding_account_id, account)

    # === Done when === #

    def test_net_payout_matched_by_proposal(self):
        monday = self.today - timedelta(days=3)
        older = self._pay(40000.0, day=monday)
        payments = self._pay(100000.0, day=self.yesterday) + self._pay(50000.55, day=self.yesterday)
        later = self._pay(70000.0)
        record = self._settlement(147000.54)  # 150000.55 less 2 %, to the tiyin
        record.action_propose()
        self.assertEqual(self._covered(record), payments, "yesterday's payments, paid out today")
        self.assertEqual(record.line_ids.payment_id, older + payments + later, "every unsettled payment is offered")
        self.assertEqual((record.gross, record.commission, record.effective_rate), (150000.55, 3000.01, 2.0))
        self.assertFalse(record.rate_warning)
        record.action_validate()
        self.assertSettled(record, payments, '147000.54', '3000.01')
        self.assertEqual(record.statement_line_id.journal_id, self.bank, "recorded in the payout journal")
        unsettled = self.env['account.move.line'].search(record.action_open_unsettled()['domain'])
        self.assertEqual(unsettled.payment_id, older + later, "what Click still owes")

    def test_net_payout_matched_by_click_registry(self):
        first, second, third = self._pay(30000.0), self._pay(45000.0), self._pay(12000.0)
        reference = {payment: payment.payment_transaction_id.provider_reference for payment in (first, second, third)}
        registry = (f"click_paydoc_id;amount;commission\n{reference[first]};30000;600\n"
                    f"{reference[third]};12000,00;240\n")
        record = self._settlement(41160.0, day=self.today + timedelta(days=1),
                                  registry_file=base64.b64encode(registry.encode()), registry_filename='reestr.csv')
        record.action_import_registry()
        self.assertEqual(self._covered(record), first + third, "exactly the registry's payments")
        self.assertEqual(record.commission, 840.0)
        self.assertFalse(record.activity_ids, "the registry agrees with Odoo")
        record.action_validate()
        self.assertSettled(record, first + third, '41160.00', '840.00')
        self.assertFalse(second.is_matched)

    def test_registry_listing_a_payment_odoo_cannot_settle_asks_the_accountant(self):
        payment = self._pay(30000.0)
        registry = f"payment_id,amount\n{payment.payment_transaction_id.provider_reference},30000\n9999999,5000\n"
        record = self._settlement(29400.0, registry_file=base64.b64encode(registry.encode()),
                                  registry_filename='reestr.csv')
        record.action_import_registry()
        self.assertEqual(self._covered(record), payment)
        self.assertIn("9999999", record.activity_ids.note)
        record.registry_filename = 'reestr.pdf'
        with self.assertRaisesRegex(UserError, "CSV or XLSX"):
            record.action_import_registry()

    def test_gross_payout(self):
        self.click.click_fee_rate = 0.0
        payments = self._pay(25000.0, day=self.yesterday) + self._pay(5000.0, day=self.yesterday)
        record = self._settlement(30000.0)
        record.action_propose()
        self.assertEqual(self._covered(record), payments)
        record.action_validate()
        self.assertSettled(record, payments, '30000.00', '0.00')

    @MUTE
    def test_payout_containing_a_customer_refund(self):
        kept = self._pay(60000.0)
        refunded = self._pay(15000.0)
        refund = self._refund(refunded)
        self.assertEqual(refund.payment_type, 'outbound')
        self.assertEqual(refund.outstanding_account_id, self.click.click_clearing_account_id,
                         "the refund credits the clearing account, so it nets inside the payout")
        record = self._settlement(58800.0, day=self.today + timedelta(days=1))  # (60000 + 15000 - 15000) - 2 %
        record.action_propose()
        self.assertEqual(self._covered(record), kept + refunded + refund)
        record.action_validate()
        self.assertSettled(record, kept + refunded + refund, '58800.00', '1200.00')

    @MUTE
    def test_registry_of_a_payout_containing_a_payment_and_its_refund(self):
        kept = self._pay(60000.0)
        refunded = self._pay(15000.0)
        refund = self._refund(refunded)
        self.assertEqual(refund.payment_transaction_id.provider_reference,
                         refunded.payment_transaction_id.provider_reference, "Click's reversal keeps the payment id")
        reference = refunded.payment_transaction_id.provider_reference
        registry = (f"click_paydoc_id;amount;commission\n{kept.payment_transaction_id.provider_reference};60000;1200\n"
                    f"{reference};15000;300\n{reference};-15000;-300\n")
        record = self._settlement(58800.0, day=self.today + timedelta(days=1),
                                  registry_file=base64.b64encode(registry.encode()), registry_filename='reestr.csv')
        record.action_import_registry()
        self.assertEqual(self._covered(record), kept + refunded + refund, "the payment and its refund, both")
        self.assertIn("3 of 3 payments matched", record.note)
        self.assertEqual(record.commission, 1200.0)
        self.assertFalse(record.activity_ids, "the registry agrees with Odoo")
        record.action_validate()
        self.assertSettled(record, kept + refunded + refund, '58800.00', '1200.00')

    def test_two_click_services_in_one_payout(self):
        shop2 = self.click.copy({'name': "Click (second shop)", 'click_service_id': '12346', 'state': 'test'})
        shop2.write({key: value for key, value in CREDENTIALS.items() if key != 'click_service_id'})
        shop2.journal_id = self.bank
        self.assertEqual(shop2.click_clearing_account_id, self.click.click_clearing_account_id, "one per company")
        payments = self._pay(20000.0, day=self.yesterday) + self._pay(30000.0, day=self.yesterday, provider=shop2)
        record = self._settlement(49000.0, providers=self.click + shop2)
        record.action_propose()
        self.assertEqual(self._covered(record), payments)
        self.assertEqual(record.line_ids.provider_id, self.click + shop2)
        record.action_validate()
        self.assertSettled(record, payments, '49000.00', '1000.00')

    def test_a_second_company_settles_its_own_payments(self):
        company2 = self.setup_other_company(name="Click Samarkand", currency_id=self.currency.id)['company']
        self.env.user.company_ids |= company2
        click2 = self._prepare_provider('click', company=company2, update_values=dict(
            CREDENTIALS, click_service_id='22222', is_published=True))
        bank2 = self.env['account.journal'].search([('company_id', '=', company2.id), ('type', '=', 'bank')], limit=1)
        click2.journal_id = bank2
        self.assertNotEqual(click2.click_clearing_account_id, self.click.click_clearing_account_id)
        self.assertEqual(click2.click_clearing_account_id.sudo().company_ids, company2)
        mine = self._pay(10000.0, day=self.yesterday)
        theirs = self._pay(10000.0, day=self.yesterday, provider=click2)
        record = self._settlement(9800.0, providers=click2)
        self.assertEqual((record.company_id, record.journal_id), (company2, bank2))
        record.action_propose()
        self.assertEqual(record.line_ids.payment_id, theirs, "only the company's own payments are offered")
        record.action_validate()
        self.assertSettled(record, theirs, '9800.00', '200.00')
        self.assertFalse(mine.is_matched)
        Settlement = self.env['payment.click.settlement'].with_context(allowed_company_ids=self.env.company.ids)
        self.assertFalse(Settlement.with_user(self.env.user).search([('id', '=', record.id)]),
                         "another company's payouts are hidden")

    def test_a_payment_cannot_be_settled_twice(self):
        payment = self._pay(50000.0, day=self.yesterday)
        first, second = self._settlement(49000.0), self._settlement(49000.0)
        first.action_propose()
        second.action_propose()
        self.assertEqual(self._covered(second), payment)
        first.action_validate()
        with self.assertRaisesRegex(UserError, "settled already"):
            second.action_validate()
        self.assertEqual(second.state, 'draft')
        self.assertFalse(self.env['account.bank.statement.line'].search([('payment_ref', '=', second.name),
                                                                         ('id', '!=', first.statement_line_id.id)]))
        second.action_propose()
        self.assertFalse(second.line_ids, "a settled payment is offered no more")
        with self.assertRaisesRegex(UserError, "settled already"):
            first.action_validate()

    def test_payout_out_of_tolerance_is_warned_and_still_settled_by_hand(self):
        payment = self._pay(100000.0, day=self.yesterday)
        record = self._settlement(95000.0)  # 5 %, while 2 % ± 0.5 is expected
        record.action_propose()
        self.assertFalse(self._covered(record), "nothing qualifies")
        self.assertIn("tick the payments by hand", record.note)
        record.line_ids.selected = True
        self.assertIn("5.00 %", record.rate_warning)
        record.action_validate()
        self.assertSettled(record, payment, '95000.00', '5000.00')
        self.assertIn("5.00 %", record.activity_ids.note, "the accountant checks Click's rate")

    def test_commission_is_never_negative(self):
        self._pay(10000.0, day=self.yesterday)
        record = self._settlement(10500.0)
        record.action_propose()
        self.assertFalse(self._covered(record))
        record.line_ids.selected = True
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            record.action_validate()
        self.assertFalse(record.move_id)

    # === Statement lines and tax === #

    def test_payout_started_from_its_bank_statement_line_with_tax_on_the_commission(self):
        tax = self.company_data['default_tax_purchase'].copy({'name': "VAT 12 % (Click)", 'amount': 12.0})
        self.click.click_fee_tax_id = tax
        payments = self._pay(100000.0, day=self.yesterday) + self._pay(50000.0, day=self.yesterday)
        st_line = self.env['account.bank.statement.line'].create({
            'journal_id': self.bank.id, 'date': self.today, 'amount': 147000.0,
            'payment_ref': "CLICK UZBEKISTAN MCHJ: payout for yesterday",
        })
        action = self.env['payment.click.settlement']._action_start_from_statement_line(st_line)
        record = self.env['payment.click.settlement'].browse(action['res_id'])
        self.assertEqual((record.statement_line_id, record.amount, record.fee_tax_id), (st_line, 147000.0, tax))
        self.assertEqual(self._covered(record), payments)
        record.action_validate()
        self.assertSettled(record, payments, '147000.00', '3000.00')
        tax_line = record.move_id.line_ids.filtered('tax_line_id')
        self.assertEqual((tax_line.tax_line_id, tax_line.balance), (tax, 321.43))
        self.assertEqual(self.env['payment.click.settlement']._action_start_from_statement_line(st_line)['res_id'],
                         record.id, "the statement line's settlement, not a new one")

    def test_billing_users_read_settlements_and_accounting_managers_settle(self):
        self._pay(10000.0, day=self.yesterday)
        record = self._settlement(9800.0)
        record.action_propose()
        clerk = new_test_user(self.env, login='click_clerk', groups='account.group_account_invoice',
                              company_id=self.env.company.id)
        self.assertEqual(record.with_user(clerk).gross, 10000.0)
        with self.assertRaises(AccessError):
            record.with_user(clerk).action_validate()
        self.assertEqual(record.state, 'draft')

    def test_accounting_managers_settle_without_reading_payment_providers(self):
        """Only system administrators read payment providers; the settlement reads what it needs itself."""
        payment = self._pay(10000.0, day=self.yesterday)
        company = self.click.company_id
        manager = new_test_user(self.env, login='click_books', company_id=company.id, company_ids=company.ids,
                                groups='account.group_account_manager,account.group_account_user')
        with self.assertRaises(AccessError):
            self.click.with_user(manager).read(['name'])
        with Form(self.env['payment.click.settlement'].with_user(manager).with_company(company)) as form:
            form.name = "CLICK payout"
            form.amount = 9800.0
        record = form.record
        self.assertEqual(record.provider_ids, self.click)
        self.assertEqual(record.provider_names, self.click.name)
        record.action_propose()
        self.assertEqual(self._covered(record), payment)
        record.action_validate()
        self.assertEqual(record.state, 'done')
        self.assertEqual(record.move_id.state, 'posted')

    def test_any_accountant_reads_the_booking_on_the_settlement(self):
        """The settlement shows its entry's lines, accounts included, to a billing user, who lacks the full
        accounting features the entry's own form asks for to show them."""
        payment = self._pay(10000.0, day=self.yesterday)
        record = self._settlement(9800.0)
        record.action_propose()
        record.action_validate()
        self.assertSettled(record, payment, '9800.00', '200.00')
        clerk = new_test_user(self.env, login='click_booking_clerk', groups='account.group_account_invoice',
                              company_id=self.env.company.id)
        self.assertFalse(clerk.has_group('account.group_account_readonly'))
        as_clerk = record.with_user(clerk)
        arch = as_clerk.get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('name="move_line_ids"', arch)
        lines = as_clerk.move_line_ids
        self.assertEqual(lines, record.move_id.line_ids)
        self.assertEqual(
            sorted((line.account_id.id, line.debit, line.credit) for line in lines),
            sorted([(record.journal_id.default_account_id.id, 9800.0, 0.0),
                    (self.click.click_clearing_account_id.id, 0.0, 10000.0),
                    (self.click.click_fee_account_id.id, 200.0, 0.0)]),
            "the bank for the net, the clearing account for the gross, the commission for the difference",
        )
        action = as_clerk.action_open_move()
        self.assertEqual(action['res_model'], 'account.move.line')
        self.assertEqual(self.env['account.move.line'].with_user(clerk).search(action['domain']), lines)
        list_arch = self.env['account.move.line'].with_user(clerk).get_views(action['views'])['views']['list']['arch']
        self.assertIn('name="account_id"', list_arch, "the accounts are shown to the clerk")
