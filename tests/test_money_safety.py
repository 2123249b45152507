"""Click's calls that could take or refuse money wrongly, sent over HTTP to the real routes."""
import json
import logging
from urllib.parse import urlsplit
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.controllers.main')


@tagged('post_install', '-at_install')
class TestMoneySafety(AccountPaymentCommon, ClickCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']
        cls.usd = cls._prepare_currency('USD')
        cls.invoice = cls.init_invoice('out_invoice', partner=cls.partner_a, amounts=[30000.0],
                                       currency=cls.currency, post=True)

    def setUp(self):
        super().setUp()
        self.client = self._click_client()

    def _invoice_tx(self, reference, amount=15000.0, invoice=None):
        return self._create_click_tx(reference=reference, amount=amount,
                                     invoice_ids=[(invoice or self.invoice).id])

    def _pay(self, tx, **complete_overrides):
        """Prepare and Complete ``tx``, then book it as the post-processing cron does."""
        prepared, completed = self._prepare_and_complete(tx, **complete_overrides)
        self.assertAnswer(completed, ShopError.SUCCESS)
        tx._post_process()  # what the cron that Complete triggers does
        return prepared, completed

    def _bank_payment(self, invoice, amount):
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=invoice.ids,
        ).create({'amount': amount, 'journal_id': self.company_data['default_journal_bank'].id})._create_payments()

    def _activities(self, record):
        return self.env['mail.activity'].search([('res_model', '=', record._name), ('res_id', '=', record.id)])

    # === A payer without an e-mail address === #

    def test_a_payer_without_an_email_address_is_recorded_all_the_same(self):
        """Core signs the payment's chatter with the payer; a walk-in customer often has no address."""
        walk_in = self.env['res.partner'].create({'name': "Walk-in customer", 'email': False})
        invoice = self.init_invoice('out_invoice', partner=walk_in, amounts=[30000.0], currency=self.currency,
                                    post=True)
        tx = self._invoice_tx('INV-WALK-IN', amount=30000.0, invoice=invoice)
        self._pay(tx)
        self.assertEqual(tx.state, 'done')
        self.assertIn(invoice.payment_state, ('paid', 'in_payment'))
        self.assertTrue(invoice.message_ids.filtered(lambda m: tx.reference in (m.body or '')),
                        "the payment is noted on the invoice")

    # === Currency: Click moves so'm only === #

    def test_a_click_transaction_in_another_currency_cannot_be_created(self):
        with self.assertRaisesRegex(UserError, "so'm"):
            self._create_click_tx(currency_id=self.usd.id)

    def test_a_visitor_cannot_start_a_click_payment_in_another_currency(self):
        """Core lets anyone post any provider to /payment/transaction: the answer is an error."""
        values = self._prepare_transaction_values(self.payment_method_id, None, 'redirect')
        values.update(currency_id=self.usd.id, tokenization_requested=False,
                      access_token=self._generate_test_access_token(self.partner.id, self.amount, self.usd.id))
        with mute_logger('odoo.http'):
            response = self.url_open('/payment/transaction', json.dumps(
                {'jsonrpc': '2.0', 'method': 'call', 'params': values}), headers={'Content-Type': 'application/json'})
        error = response.json()['error']['data']
        self.assertEqual(error['name'], 'odoo.exceptions.UserError')
        self.assertIn("so'm", error['message'])
        self.assertFalse(self.env['payment.transaction'].search([('provider_id', '=', self.click.id)]))

    @MUTE
    def test_a_transaction_in_another_currency_is_never_payable(self):
        tx = self._create_click_tx()
        prepared = self.client.prepare(tx.reference, tx.amount)
        self.assertAnswer(prepared, ShopError.SUCCESS)
        tx.currency_id = self.usd  # whatever put it there, Click must not settle it
        with self.assertRaisesRegex(UserError, "so'm"):
            tx._get_processing_values()
        self.assertAnswer(self.client.prepare(tx.reference, tx.amount), ShopError.USER_DOES_NOT_EXIST)
        completed = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'])
        self.assertAnswer(completed, ShopError.USER_DOES_NOT_EXIST)
        self.assertEqual(tx.state, 'draft')

    # === What is left to pay === #

    @MUTE
    def test_equal_instalments_are_accepted_until_the_invoice_is_paid(self):
        self._pay(self._invoice_tx('INV-A'))
        self.assertEqual(self.invoice.amount_residual, 15000.0)
        second = self._invoice_tx('INV-B')
        self._pay(second)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        third = self._invoice_tx('INV-C')
        self.assertAnswer(self.client.prepare(third.reference, third.amount), ShopError.ALREADY_PAID)

    @MUTE
    def test_a_done_payment_not_yet_booked_counts_as_paid(self):
        """Between Complete and the cron, the invoice's residual does not show the payment yet."""
        self._prepare_and_complete(self._invoice_tx('INV-A', amount=30000.0))
        second = self._invoice_tx('INV-B')
        self.assertAnswer(self.client.prepare(second.reference, second.amount), ShopError.ALREADY_PAID)

    @MUTE
    def test_a_payment_larger_than_what_is_left_is_refused(self):
        self._bank_payment(self.invoice, 20000.0)
        too_much = self._invoice_tx('INV-A')
        self.assertAnswer(self.client.prepare(too_much.reference, too_much.amount), ShopError.INCORRECT_AMOUNT)
        balance = self._invoice_tx('INV-B', amount=10000.0)
        self.assertAnswer(self.client.prepare(balance.reference, balance.amount), ShopError.SUCCESS)

    def _sale_order(self, amount):
        pricelist = self.env['product.pricelist'].create({'name': "So'm", 'currency_id': self.currency.id})
        product = self.env['product.product'].create({'name': "Chair", 'list_price': amount})
        order = self.env['sale.order'].create({
            'partner_id': self.partner_a.id, 'pricelist_id': pricelist.id,
            'order_line': [(0, 0, {'product_id': product.id, 'price_unit': amount, 'tax_id': False})],
        })
        self.assertEqual(order.currency_id, self.currency)
        return order

    @MUTE
    def test_an_order_whose_invoice_was_paid_by_bank_transfer_is_already_paid(self):
        order = self._sale_order(15000.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._bank_payment(invoice, invoice.amount_total)
        tx = self._create_click_tx(reference='SO-A', sale_order_ids=[order.id])
        self.assertAnswer(self.client.prepare(tx.reference, tx.amount), ShopError.ALREADY_PAID)

    @MUTE
    def test_an_order_takes_instalments_up_to_its_total(self):
        order = self._sale_order(30000.0)
        self._prepare_and_complete(self._create_click_tx(reference='SO-A', sale_order_ids=[order.id]))
        second = self._create_click_tx(reference='SO-B', sale_order_ids=[order.id])
        self.assertAnswer(self.client.prepare(second.reference, second.amount), ShopError.SUCCESS)
        too_much = self._create_click_tx(reference='SO-C', amount=20000.0, sale_order_ids=[order.id])
        self.assertAnswer(self.client.prepare(too_much.reference, too_much.amount), ShopError.INCORRECT_AMOUNT)

    # === Only error == 0 confirms === #

    @MUTE
    def test_a_positive_error_is_a_bad_request(self):
        tx = self._create_click_tx()
        self.assertAnswer(self.client.prepare(tx.reference, tx.amount, error=1), ShopError.BAD_REQUEST)
        prepared = self.client.prepare(tx.reference, tx.amount)
        completed = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'], error=1)
        self.assertAnswer(completed, ShopError.BAD_REQUEST)
        self.assertEqual(tx.state, 'draft')

    # === A disabled provider === #

    @MUTE
    def test_a_disabled_provider_starts_nothing_but_records_what_click_debited(self):
        prepared_earlier = self._invoice_tx('INV-A')
        prepared = self.client.prepare(prepared_earlier.reference, prepared_earlier.amount)
        fresh = self._invoice_tx('INV-B')
        self.click.state = 'disabled'
        self.assertAnswer(self.client.prepare(fresh.reference, fresh.amount), ShopError.USER_DOES_NOT_EXIST)
        completed = self.client.complete(prepared_earlier.reference, prepared_earlier.amount,
                                         prepared.body['merchant_prepare_id'])
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertEqual(prepared_earlier.state, 'done')
        activity = self._activities(self.invoice)
        self.assertEqual(len(activity), 1)
        self.assertIn('disabled', activity.note)
        self.assertIn(completed.form['click_paydoc_id'], activity.note)

    # === Money that moved leaves a trace for the accountant === #

    @MUTE
    def test_a_second_debit_for_a_paid_transaction_asks_for_a_refund_once(self):
        tx = self._invoice_tx('INV-A')
        prepared, completed = self._prepare_and_complete(tx)
        retry = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'],
                                     click_paydoc_id=completed.form['click_paydoc_id'])
        self.assertAnswer(retry, ShopError.ALREADY_PAID)
        self.assertFalse(self._activities(self.invoice), "Click repeating the same payment is no news")
        second_debit = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'],
                                            click_paydoc_id=1946296773)
        self.assertAnswer(second_debit, ShopError.ALREADY_PAID)
        self.client.send(second_debit.form)  # Click retries its Complete
        activity = self._activities(self.invoice)
        self.assertEqual(len(activity), 1)
        self.assertIn("Click 1946296773 debited", activity.note)
        self.assertIn("refund it", activity.note)
        self.assertTrue(activity.user_id.has_group('account.group_account_manager'))
        self.assertIn("Click 1946296773 debited", self.invoice.message_ids[0].body)

    @MUTE
    def test_a_payment_of_two_invoices_that_overpays_asks_for_a_refund_on_each(self):
        first = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[10000.0], currency=self.currency,
                                  post=True)
        second = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[5000.0], currency=self.currency,
                                   post=True)
        tx = self._create_click_tx(reference='INV-AB', amount=15000.0, invoice_ids=(first + second).ids)
        prepared = self.client.prepare(tx.reference, tx.amount)
        self._bank_payment(second, 5000.0)  # meanwhile, the customer paid one of them by bank
        completed = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'])
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertEqual(tx.state, 'done', "Click debited: the payment is recorded")
        for invoice in first + second:
            self.assertIn("more than was left to pay", self._activities(invoice).note)

    @MUTE
    def test_a_debit_for_a_cancelled_transaction_asks_for_a_check(self):
        tx = self._invoice_tx('INV-A')
        prepared, _cancelled = self._prepare_and_complete(tx, error=-5017, error_note='Payment cancelled')
        late = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'])
        self.assertAnswer(late, ShopError.TRANSACTION_CANCELLED)
        self.assertEqual(tx.state, 'cancel')
        self.assertIn(late.form['click_paydoc_id'], self._activities(self.invoice).note)

    @MUTE
    def test_two_tabs_paying_the_same_invoice_record_both_and_ask_to_refund_one(self):
        invoice = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[15000.0],
                                    currency=self.currency, post=True)
        first, second = self._invoice_tx('INV-A', invoice=invoice), self._invoice_tx('INV-B', invoice=invoice)
        first_prepared = self.client.prepare(first.reference, first.amount)
        second_prepared = self.client.prepare(second.reference, second.amount)
        self.assertAnswer(second_prepared, ShopError.SUCCESS)
        self.client.complete(first.reference, first.amount, first_prepared.body['merchant_prepare_id'])
        completed = self.client.complete(second.reference, second.amount, second_prepared.body['merchant_prepare_id'])
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertEqual((first + second).mapped('state'), ['done', 'done'])
        note = self._activities(invoice).note
        self.assertIn(f"Click {completed.form['click_paydoc_id']} debited", note)
        self.assertIn(invoice.name, note)
        self.assertIn("already paid: refund it", note)

    # === Failures while applying Click's verdict === #

    @MUTE
    def test_a_failure_while_confirming_answers_failed_to_update_and_changes_nothing(self):
        tx = self._invoice_tx('INV-A')
        prepared = self.client.prepare(tx.reference, tx.amount)
        click_ids = (tx.click_trans_id, tx.provider_reference)
        with patch.object(type(tx), '_set_done', side_effect=RuntimeError("the order cannot be confirmed")), \
                self.assertLogs('odoo.addons.payment_click.models.payment_transaction', logging.ERROR) as logs:
            completed = self.client.complete(tx.reference, tx.amount, prepared.body['merchant_prepare_id'],
                                             click_trans_id=4242424242, click_paydoc_id=4343434343)
        self.assertAnswer(completed, ShopError.FAILED_TO_UPDATE)
        self.assertIn('Traceback', '\n'.join(logs.output))
        tx.invalidate_recordset()
        self.assertEqual(tx.state, 'draft')
        self.assertEqual((tx.click_trans_id, tx.provider_reference), click_ids)

    def test_the_logs_cap_an_unknown_reference(self):
        reference = 'X' * 900
        with self.assertLogs('odoo.addons.payment_click', level=logging.INFO) as logs:
            self.assertAnswer(self.client.prepare(reference, self.amount), ShopError.USER_DOES_NOT_EXIST)
        self.assertTrue(all(reference[:201] not in line for line in logs.output))
        self.assertIn('X' * 200, '\n'.join(logs.output))

    # === The emulator page sends the customer back to this server only === #

    def test_the_emulator_never_redirects_off_site(self):
        tx = self._create_click_tx()
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        self.assertTrue(button['action'].endswith(ClickEmulatorController._payment_page_url))
        for return_url in ('/\\evil.example', 'http:evil.example', '//evil.example/x', 'https://evil.example/'):
            with self.subTest(return_url=return_url), mute_logger('odoo.addons.payment_click'):
                response = self.opener.post(button['action'], allow_redirects=False, data=dict(
                    button['inputs'], return_url=return_url, transaction_param='NO-SUCH-ORDER', outcome='decline',
                ))
                self._wait_for_click()
                location = response.headers['Location']
                self.assertEqual(response.status_code, 303)
                self.assertIn(urlsplit(location).netloc, ('', urlsplit(self.base_url()).netloc), location)
                self.assertFalse(location.startswith(('//', '/\\')), location)
