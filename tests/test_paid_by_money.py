"""What is left to pay is counted from money: a Click payment Odoo recorded counts as paid whether
or not the accountant has matched it with its invoice, on every path that takes money (Click's page,
CLICK Pass, saved cards, invoices by phone). All of it through the real routes and the emulator."""
import re

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import MUTE_CLICK_PASS as MUTE, PHONE, ClickCardCommon

TO_MATCH = "match it"


@tagged('post_install', '-at_install')
class TestPaidByMoney(ClickCardCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.click_pass_cashbox_code = 'KASSA-1'
        cls.env.flush_all()

    def _page_tx(self, reference, amount=15000.0, invoice=None, **values):
        return self._create_click_tx(reference=reference, amount=amount, partner_id=self.portal_partner.id,
                                     invoice_ids=(invoice or self.invoice).ids, **values)

    def _pay_on_clicks_page(self, reference, amount=15000.0, invoice=None):
        """Prepare and Complete over HTTP, then book the payment as the post-processing cron does."""
        tx = self._page_tx(reference, amount, invoice)
        _prepared, completed = self._prepare_and_complete(tx)
        self.assertAnswer(completed, ShopError.SUCCESS)
        tx._post_process()
        return tx

    def _unmatch(self, tx, invoice=None):
        """Remove the payment from the invoice, as the accountant does from the invoice's payment widget."""
        invoice = invoice or self.invoice
        partials = [partial['partial_id'] for partial in invoice._get_all_reconciled_invoice_partials()
                    if partial['aml'].payment_id == tx.payment_id]
        self.assertTrue(partials, "the payment was matched with the invoice")
        for partial_id in partials:
            invoice.js_remove_outstanding_partial(partial_id)

    def _prepare(self, reference, amount=15000.0, invoice=None):
        tx = self._page_tx(reference, amount, invoice)
        return self._click_client().prepare(tx.reference, tx.amount)

    def _pass_code(self):
        response = self.url_open(ClickEmulatorController._app_url, data={'pass_outcome': 'pay'})
        self.assertEqual(response.status_code, 200, response.text)
        return re.search(r'name="otp_data">(\d{13})<', response.text).group(1)

    def _click_pass_wizard(self, **values):
        wizard_model = self.env['payment.click.pass.wizard']
        action = wizard_model._action_open(self.invoice)
        return wizard_model.with_context(**action['context']).create(values)

    def _emulated_payments(self):
        return self.env['payment.click.emulator.payment'].search([])

    def _to_dos(self, record):
        return self.env['mail.activity'].search([('res_model', '=', record._name), ('res_id', '=', record.id)])

    # === A payment the accountant unmatched === #

    @MUTE
    def test_clicks_page_finds_an_invoice_paid_by_an_unmatched_click_payment_paid(self):
        self._unmatch(self._pay_on_clicks_page('INV-A'))
        self.assertEqual(self.invoice.payment_state, 'not_paid')
        self.assertAnswer(self._prepare('INV-B'), ShopError.ALREADY_PAID)

    @MUTE
    def test_click_pass_charges_nothing_on_an_invoice_paid_by_an_unmatched_click_payment(self):
        """The same money by two paths: Click's page, then the counter."""
        self._unmatch(self._pay_on_clicks_page('INV-A'))
        wizard = self._click_pass_wizard(otp_data=self._pass_code())
        self.assertEqual(wizard.amount_left, 0.0)
        with self.assertRaisesRegex(UserError, "Nothing is left to pay"):
            wizard.action_charge()
        wizard.amount = 15000.0  # the cashier types the invoice's amount
        with self.assertRaisesRegex(UserError, "left to pay"):
            wizard.action_charge()
        self.assertFalse(self.env['payment.transaction'].search([('click_is_pass', '=', True)]))
        self.assertEqual(len(self._emulated_payments()), 0, "Click was never asked to charge")

    @MUTE
    def test_a_complete_after_an_unmatched_click_pass_payment_is_recorded_with_a_refund_to_do(self):
        """The same money by two paths: Click's page was prepared, the counter charged, then the page paid too."""
        page_tx = self._page_tx('INV-PAGE')
        prepared = self._click_client().prepare(page_tx.reference, page_tx.amount)
        self._click_pass_wizard(otp_data=self._pass_code()).action_charge()
        pass_tx = self.env['payment.transaction'].search([('click_is_pass', '=', True)])
        self.assertEqual(pass_tx.state, 'done')
        self._unmatch(pass_tx)
        completed = self._click_client().complete(page_tx.reference, page_tx.amount,
                                                  prepared.body['merchant_prepare_id'])
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertEqual(page_tx.state, 'done', "Click debited: the payment is recorded")
        self.assertIn("already paid: refund it", ' '.join(self._to_dos(self.invoice).mapped('note')))

    @MUTE
    def test_a_saved_card_charges_nothing_on_an_invoice_paid_by_an_unmatched_click_payment(self):
        tx = self._save_card()
        tx._post_process()
        self._unmatch(tx)
        again = self.env['payment.transaction'].create({
            'provider_id': self.click.id, 'payment_method_id': self.card_method.id, 'amount': 15000.0,
            'currency_id': self.currency.id, 'partner_id': self.portal_partner.id, 'operation': 'online_token',
            'token_id': tx.token_id.id, 'invoice_ids': [Command.set(self.invoice.ids)],
        })
        with self.assertRaisesRegex(UserError, "left to pay"):
            again._send_payment_request()
        self.assertEqual(len(self._emulated_payments()), 1, "charged once")

    @MUTE
    def test_no_click_invoice_is_sent_for_an_invoice_paid_by_an_unmatched_click_payment(self):
        self._unmatch(self._pay_on_clicks_page('INV-A'))
        wizard = Form(self.env['payment.click.invoice.wizard'].with_context(
            active_model='account.move', active_ids=self.invoice.ids,
        )).save()
        self.assertEqual(wizard.line_ids.amount, 0.0)
        self.assertIn("nothing left to pay", wizard.line_ids.skip_reason)

    @MUTE
    def test_checkout_sends_no_click_invoice_for_an_invoice_paid_by_an_unmatched_click_payment(self):
        self._unmatch(self._pay_on_clicks_page('INV-A'))
        reference = self._call(
            f'/invoice/transaction/{self.invoice.id}', access_token=self.invoice._portal_ensure_token(),
            provider_id=self.click.id, payment_method_id=self.env.ref('payment_click.payment_method_click_app').id,
            token_id=None, amount=self.invoice.amount_residual, flow='direct', tokenization_requested=False,
            landing_route=self.invoice.get_portal_url(), is_validation=False,
        )['reference']
        message = self._send_from_checkout_refused(self._tx(reference), PHONE)
        self.assertIn("no Click invoice was sent", message)
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([]))

    # === A payment booked without being matched (a script, a late booking) === #

    @MUTE
    def test_a_click_payment_booked_unmatched_counts_as_paid_and_asks_to_be_matched(self):
        """A script that creates its transaction without an operation books a payment core never matches."""
        tx = self._page_tx('INV-A', operation=False)
        self._prepare_and_complete(tx)
        tx._post_process()
        self.assertEqual(tx.payment_id.state, 'in_process')
        self.assertEqual(self.invoice.payment_state, 'not_paid', "booked, not matched")
        self.assertIn(tx.reference, self.invoice.click_unmatched_note)
        to_do = self._to_dos(self.invoice)
        self.assertEqual(len(to_do), 1)
        self.assertIn(TO_MATCH, to_do.note)
        self.assertTrue(to_do.user_id.has_group('account.group_account_manager'))
        self.assertAnswer(self._prepare('INV-B'), ShopError.ALREADY_PAID)

    # === What the accountant sees === #

    @MUTE
    def test_an_unmatched_click_payment_is_shown_on_the_invoice_with_a_to_do_until_matched(self):
        tx = self._pay_on_clicks_page('INV-A')
        self.assertFalse(self.invoice.click_unmatched_note)
        self.assertFalse(self._to_dos(self.invoice))
        self._unmatch(tx)
        self.assertIn(tx.reference, self.invoice.click_unmatched_note)
        self.assertIn(tx.provider_reference, self.invoice.click_unmatched_note)
        to_do = self._to_dos(self.invoice)
        self.assertEqual(len(to_do), 1)
        self.assertIn(TO_MATCH, to_do.note)
        counterpart = tx.payment_id.move_id.line_ids.filtered(lambda line: line.account_id.reconcile
                                                              and line.account_id.account_type == 'asset_receivable')
        self.invoice.js_assign_outstanding_line(counterpart.id)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.assertFalse(self.invoice.click_unmatched_note)
        self.assertFalse(self._to_dos(self.invoice), "matched: nothing left to do")

    def test_matching_or_unmatching_from_the_payment_keeps_the_to_do_current(self):
        """Not only the invoice's widget: a payment matched or unmatched anywhere updates the to-do."""
        tx = self._pay_on_clicks_page('INV-A')
        receivable = (tx.payment_id.move_id.line_ids | self.invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == 'asset_receivable')
        receivable.remove_move_reconcile()
        self.assertEqual(len(self._to_dos(self.invoice)), 1, "unmatched from the payment: a to-do")
        receivable.reconcile()
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.assertFalse(self._to_dos(self.invoice), "matched from the payment: nothing left to do")

    # === Other money: counted once === #

    @MUTE
    def test_bank_and_click_payments_are_each_counted_once(self):
        invoice = self._invoice(30000.0)
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=invoice.ids).create(
            {'amount': 10000.0, 'journal_id': self.company_data['default_journal_bank'].id})._create_payments()
        tx = self._pay_on_clicks_page('INV-A', invoice=invoice)
        self.assertEqual(invoice.amount_residual, 5000.0)
        self.assertAnswer(self._prepare('INV-B', 10000.0, invoice), ShopError.INCORRECT_AMOUNT)
        self._unmatch(tx, invoice)
        self.assertEqual(invoice.amount_residual, 20000.0, "the bank payment stays matched")
        self.assertAnswer(self._prepare('INV-C', 10000.0, invoice), ShopError.INCORRECT_AMOUNT)
        self.assertAnswer(self._prepare('INV-D', 5000.0, invoice), ShopError.SUCCESS)

    @MUTE
    def test_an_order_paid_by_an_unmatched_click_payment_and_a_bank_payment_is_paid(self):
        product = self.env['product.product'].create({'name': "Chair", 'list_price': 30000.0})
        pricelist = self.env['product.pricelist'].create({'name': "So'm", 'currency_id': self.currency.id})
        order = self.env['sale.order'].create({
            'partner_id': self.portal_partner.id, 'pricelist_id': pricelist.id,
            'order_line': [Command.create({'product_id': product.id, 'price_unit': 30000.0, 'tax_id': False})],
        })
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        tx = self._create_click_tx(reference='SO-A', amount=15000.0, sale_order_ids=order.ids,
                                   invoice_ids=invoice.ids)
        self._prepare_and_complete(tx)
        tx._post_process()
        self._unmatch(tx, invoice)
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=invoice.ids).create(
            {'amount': 15000.0, 'journal_id': self.company_data['default_journal_bank'].id})._create_payments()
        late = self._create_click_tx(reference='SO-B', amount=15000.0, sale_order_ids=order.ids)
        self.assertAnswer(self._click_client().prepare(late.reference, late.amount), ShopError.ALREADY_PAID)
