"""CLICK Pass at the counter: the wizard charges through the test-mode Merchant API over HTTP, and the
payment is booked like any Click payment."""
import re
from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import MUTE_CLICK_PASS as MUTE, ClickCommon


@tagged('post_install', '-at_install')
class TestClickPass(AccountPaymentCommon, ClickCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.write({
            'journal_id': cls.company_data['default_journal_bank'].id, 'click_pass_cashbox_code': 'KASSA-1',
        })
        cls.cashier = new_test_user(cls.env, 'click_pass_cashier',
                                    groups='base.group_user,account.group_account_invoice')
        cls.env.flush_all()

    def setUp(self):
        super().setUp()
        self.invoice = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[15000.0],
                                         currency=self.currency, post=True)

    def _show_code(self, outcome='pay', processing_type='UZCARD'):
        """Set the emulated Click app to ``outcome``, over HTTP, and read the new code off its page."""
        response = self.url_open(ClickEmulatorController._app_url, data={
            'pass_outcome': outcome, 'processing_type': processing_type,
        })
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn('/report/barcode/QR/', response.text)
        return re.search(r'name="otp_data">(\d{13})<', response.text).group(1)

    def _wizard(self, document=None, user=None, **values):
        document = document or self.invoice
        wizard_model = self.env['payment.click.pass.wizard'].with_user(user or self.cashier)
        action = wizard_model._action_open(document)
        return wizard_model.with_context(**action['context']).create(values)

    def _charge(self, otp, document=None, **values):
        """Charge through the wizard; return its answer and the CLICK Pass transaction it made."""
        document = document or self.invoice
        wizard = self._wizard(document, otp_data=otp, **values)
        action = wizard.action_charge()
        field = 'invoice_ids' if document._name == 'account.move' else 'sale_order_ids'
        tx = self.env['payment.transaction'].search([(field, 'in', document.ids), ('click_is_pass', '=', True)],
                                                    limit=1)
        return wizard, action, tx

    def _emulated_payment(self, tx):
        return self.env['payment.click.emulator.payment'].search([('payment_id', '=', tx.provider_reference)])

    def _assert_booked(self, tx, amount):
        self.assertEqual(tx.state, 'done')
        self.assertTrue(tx.is_post_processed, "booked at once, for the cashier to see")
        self.assertEqual(tx.payment_id.amount, amount)
        self.assertEqual(tx.payment_id.move_id.state, 'posted')
        self.assertEqual(tx.payment_id.reconciled_invoice_ids, self.invoice)
        self.assertEqual(tx.payment_id.journal_id, self.company_data['default_journal_bank'])
        self.assertIn(f'Click {tx.provider_reference}', tx.payment_id.memo)

    # === Charging === #

    @MUTE
    def test_a_code_pays_the_invoice_without_confirmation(self):
        otp = self._show_code(processing_type='HUMO')
        with self._door() as sources:
            wizard, action, tx = self._charge(otp)
        self.assertEqual(sources, ['pass'])
        self.assertEqual((wizard.amount_left, wizard.cashbox_code), (15000.0, 'KASSA-1'))
        self.assertEqual(action['params']['type'], 'success', action)
        self._assert_booked(tx, 15000.0)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.assertEqual(
            (tx.click_processing_type, tx.click_card_category, tx.click_card_number, tx.click_pass_cashbox_code),
            ('HUMO', 'private', '986001******5678', 'KASSA-1'),
        )
        self.assertEqual(tx.operation, 'online_direct')
        emulated = self._emulated_payment(tx)
        self.assertEqual((emulated.merchant_trans_id, emulated.amount, emulated.pass_cashbox_code),
                         (tx.reference, 15000.0, 'KASSA-1'))
        self.assertIn("CLICK Pass: HUMO card 986001******5678 at cash desk KASSA-1",
                      ''.join(self.invoice.message_ids.mapped('body')))

    @MUTE
    def test_confirmation_mode_is_set_at_click_and_each_payment_confirmed(self):
        service = self.env['payment.click.emulator.service']
        action = self.click.action_click_pass_confirmation_on()
        self.assertIn("turned the CLICK Pass confirmation mode on", action['params']['message'])
        self.assertTrue(self.click.click_pass_confirm_mode)
        self.assertTrue(service.search([('provider_id', '=', self.click.id)]).pass_confirm, "Click was told")
        wizard, action, tx = self._charge(self._show_code(), amount=5000.0)
        emulated = self._emulated_payment(tx)
        self.assertEqual(emulated.payment_status, 2, "confirmed within Click's 30 seconds")
        self.assertFalse(emulated.pass_confirm_by)
        self._assert_booked(tx, 5000.0)
        self.assertEqual(self.invoice.payment_state, 'partial')
        self.assertEqual(self.invoice.amount_residual, 10000.0)
        self.click.action_click_pass_confirmation_off()
        self.assertFalse(self.click.click_pass_confirm_mode)
        self.assertFalse(service.search([('provider_id', '=', self.click.id)]).pass_confirm)

    def test_saving_the_provider_calls_nobody(self):
        with patch.object(requests.Session, 'request', side_effect=AssertionError("no call at save")) as request:
            self.click.write({'click_pass_confirm_mode': True, 'click_pass_cashbox_code': 'KASSA-2'})
            self.env.flush_all()
        request.assert_not_called()
        self.assertFalse(self.env['payment.click.emulator.service'].search(
            [('provider_id', '=', self.click.id), ('pass_confirm', '=', True)]), "Click was told nothing")

    def test_a_disabled_provider_tells_click_nothing(self):
        self.click.state = 'disabled'
        with self.assertRaisesRegex(UserError, "Enable the Click provider"):
            self.click.action_click_pass_confirmation_on()
        self.assertFalse(self.click.click_pass_confirm_mode)

    @MUTE
    def test_a_payment_click_holds_for_confirmation_is_confirmed_whatever_the_option(self):
        self.assertFalse(self.click.click_pass_confirm_mode)
        _wizard, _action, tx = self._charge(self._show_code('confirm'))
        self.assertEqual(self._emulated_payment(tx).payment_status, 2)
        self._assert_booked(tx, 15000.0)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))

    @MUTE
    def test_click_refusing_the_option_keeps_it_off(self):
        self._set_emulator_fault('business_error')
        with self.assertRaisesRegex(UserError, "confirmation mode on.*Emulated refusal"):
            self.click.action_click_pass_confirmation_on()
        self.assertFalse(self.click.click_pass_confirm_mode)
        self.assertFalse(self.env['payment.click.emulator.service'].search(
            [('provider_id', '=', self.click.id)]).pass_confirm, "Click still confirms nothing")

    @MUTE
    def test_credentials_click_refuses_are_named(self):
        """Click's HTTP 401 reaches the user worded from its code, saying what to check."""
        self._set_emulator_fault('http_401')
        with self.assertRaisesRegex(UserError, "confirmation mode on .*check the Merchant User ID and Secret Key"):
            self.click.action_click_pass_confirmation_on()
        self.assertFalse(self.click.click_pass_confirm_mode)

    @MUTE
    def test_a_failed_payment_books_nothing_and_asks_for_a_new_code(self):
        otp = self._show_code('fail')
        wizard, action, tx = self._charge(otp)
        self.assertEqual((action['res_model'], action['res_id']), (wizard._name, wizard.id), "the wizard stays open")
        self.assertIn("Insufficient funds", wizard.error)
        self.assertFalse(wizard.otp_data)
        self.assertEqual(tx.state, 'error')
        self.assertFalse(tx.payment_id)
        self.assertFalse(self.env['account.payment'].search([('payment_transaction_id', '=', tx.id)]))
        self.assertEqual(self.invoice.payment_state, 'not_paid')
        self.assertIn("Insufficient funds", ''.join(self.invoice.message_ids.mapped('body')))
        # A fresh code pays; it pays once.
        paying_otp = self._show_code()
        wizard.otp_data = paying_otp
        wizard.action_charge()
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        other = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[500.0], currency=self.currency,
                                  post=True)
        wizard, _action, tx = self._charge(paying_otp, document=other)
        self.assertIn("used or expired", wizard.error)
        self.assertEqual(other.payment_state, 'not_paid')

    @MUTE
    def test_a_payment_still_processing_is_settled_by_the_status_sync(self):
        _wizard, action, tx = self._charge(self._show_code('processing'))
        self.assertEqual(action['params']['type'], 'warning')
        self.assertEqual(tx.state, 'pending')
        self.assertIn("still processing", tx.state_message)
        self.assertEqual(self.invoice.payment_state, 'not_paid')
        self.assertFalse(tx.payment_id)
        with self.assertRaisesRegex(UserError, f"still processing {tx.reference}"):
            self._charge(self._show_code(), amount=1000.0)
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'pending', "too recent for the status sync")
        self._emulated_payment(tx).pass_processing_until = fields.Datetime.now() - timedelta(seconds=1)
        tx.click_charge_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        self.env.flush_all()
        self.env['payment.transaction']._cron_click_sync_status()
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        self.assertEqual(tx.payment_id.reconciled_invoice_ids, self.invoice)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))

    @MUTE
    def test_a_payment_still_processing_answers_at_once_and_check_with_click_settles_it(self):
        with self._door() as sources:
            _wizard, action, tx = self._charge(self._show_code('processing'))
        self.assertEqual(sources, ['pass'])
        self.assertEqual(tx.state, 'pending')
        self.assertEqual(self._emulated_payment(tx).payment_status, 1, "Odoo did not wait for Click to finish")
        follow = action['params']['next']
        self.assertEqual((follow['res_model'], follow['res_id']), (tx._name, tx.id), "the cashier follows the payment")
        self.assertEqual((tx.click_trans_id, tx.click_prepare_date), (False, False), "no Prepare came")
        self.assertTrue(tx.click_charge_date)
        self._emulated_payment(tx).pass_processing_until = fields.Datetime.now() - timedelta(seconds=1)
        self.env.flush_all()
        with self._door() as sources:
            tx.action_click_sync_status()
        self.assertEqual(sources, ['status'])
        self.assertEqual(tx.state, 'done')

    @MUTE
    def test_a_lost_answer_leaves_the_payment_to_the_status_sync(self):
        otp = self._show_code()
        self._set_emulator_fault('http_500')
        _wizard, action, tx = self._charge(otp)
        self.assertEqual(tx.state, 'pending', "Click may have charged")
        self.assertIn("answer was lost", action['params']['message'])
        self.assertFalse(tx.payment_id)
        second = self._wizard()
        self.assertEqual(second.amount_left, 0.0, "a second cashier cannot charge the same balance meanwhile")

    @MUTE
    def test_a_refused_call_is_a_failure(self):
        otp = self._show_code()
        self._set_emulator_fault('business_error')
        wizard, _action, tx = self._charge(otp)
        self.assertEqual(tx.state, 'error')
        self.assertIn("Emulated refusal", wizard.error)

    # === What may be charged === #

    @MUTE
    def test_never_more_than_is_left_nor_anything_click_cannot_take(self):
        otp = self._show_code()
        with self.assertRaisesRegex(UserError, "left to pay"):
            self._charge(otp, amount=15000.01)
        with self.assertRaisesRegex(UserError, "above zero"):
            self._charge(otp, amount=0)
        with self.assertRaisesRegex(UserError, "Scan the QR code"):
            self._charge('')
        in_dollars = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[100.0], post=True)
        self.assertNotEqual(in_dollars.currency_id, self.currency)
        with self.assertRaisesRegex(UserError, "so'm"):
            self._charge(otp, document=in_dollars)
        draft = self.init_invoice('out_invoice', partner=self.partner_a, amounts=[100.0], currency=self.currency)
        with self.assertRaisesRegex(UserError, "posted customer invoice"):
            self._charge(otp, document=draft)
        self.click.state = 'disabled'
        with self.assertRaisesRegex(UserError, "No Click provider"):
            self._charge(otp)
        self.assertFalse(self.env['payment.transaction'].search([('click_is_pass', '=', True)]))
        self.assertFalse(self.env['payment.click.emulator.payment'].search([]), "Click was never called")

    @MUTE
    def test_a_partial_payment_leaves_the_rest_to_pay(self):
        self._charge(self._show_code(), amount=6000.0)
        wizard = self._wizard()
        self.assertEqual((wizard.amount_left, wizard.amount), (9000.0, 9000.0))

    # === Reversal === #

    @MUTE
    def test_a_clickpass_payment_is_refunded_by_reversal(self):
        _wizard, _action, tx = self._charge(self._show_code())
        credit_note = self.env['account.move'].browse(self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=self.invoice.ids,
        ).create({'journal_id': self.invoice.journal_id.id}).refund_moves()['res_id'])
        credit_note.action_post()
        credit_note.action_click_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual((refund_tx.state, refund_tx.amount), ('done', -15000.0))
        self.assertEqual(self._emulated_payment(tx).payment_status, -9, "reversed at Click")
        refund_tx._post_process()
        self.assertIn(credit_note.payment_state, ('paid', 'in_payment'))

    # === Permissions and sale orders === #

    @MUTE
    def test_only_invoicing_or_sales_users_charge(self):
        employee = new_test_user(self.env, 'click_pass_employee', groups='base.group_user')
        with self.assertRaisesRegex(AccessError, "Invoicing or the Sales user right"):
            self._wizard(user=employee)

    def _confirmed_order(self, amount=15000.0, **values):
        pricelist = self.env['product.pricelist'].create({'name': "So'm", 'currency_id': self.currency.id})
        product = self.env['product.product'].create({'name': "Chair", 'list_price': amount})
        order = self.env['sale.order'].create({
            'partner_id': self.partner_a.id, 'pricelist_id': pricelist.id,
            'order_line': [Command.create({'product_id': product.id, 'price_unit': amount, 'tax_id': False})],
            **values,
        })
        order.action_confirm()
        return order

    @MUTE
    def test_a_salesman_charges_a_confirmed_order(self):
        salesman = new_test_user(self.env, 'click_pass_salesman',
                                 groups='base.group_user,sales_team.group_sale_salesman')
        order = self._confirmed_order(user_id=salesman.id)
        wizard = self._wizard(order, user=salesman, otp_data=self._show_code(), amount=10000.0)
        self.assertEqual(wizard.amount_left, 15000.0)
        wizard.action_charge()
        tx = order.transaction_ids
        self.assertEqual((tx.state, tx.amount, tx.click_is_pass), ('done', 10000.0, True))
        self.assertTrue(tx.is_post_processed)
        self.assertEqual(tx.payment_id.move_id.state, 'posted')
        self.assertEqual(self._wizard(order, user=salesman).amount_left, 5000.0)
        quotation = self.env['sale.order'].create({'partner_id': self.partner_a.id, 'user_id': salesman.id})
        with self.assertRaisesRegex(UserError, "confirmed sale order"):
            self._wizard(quotation, user=salesman, otp_data='1234567890123').action_charge()

    @MUTE
    def test_the_counter_menu_charges_a_confirmed_order(self):
        menu = self.env.ref('payment_click.menu_payment_click_pass_wizard')
        self.assertEqual(menu.action, self.env.ref('payment_click.action_payment_click_pass_wizard'))
        self.assertIn(menu.id, self.env['ir.ui.menu'].with_user(self.cashier)._visible_menu_ids())
        wizard_model = self.env['payment.click.pass.wizard'].with_user(self.cashier)
        selection = dict(wizard_model.fields_get(['res_model'])['res_model']['selection'])
        self.assertEqual(set(selection), {'account.move', 'sale.order'}, "sale orders, sale being installed")
        order = self._confirmed_order()
        wizard = wizard_model.create({'res_model': 'sale.order', 'res_id': order.id, 'amount': 15000.0,
                                      'otp_data': self._show_code()})
        self.assertEqual((wizard.document_name, wizard.amount_left, wizard.provider_id),
                         (order.name, 15000.0, self.click))
        wizard.action_charge()
        self.assertEqual(order.transaction_ids.mapped('state'), ['done'])

    def test_the_counter_window_offers_sale_orders_in_the_browser(self):
        user = new_test_user(self.env, 'click_pass_counter', groups='base.group_user,account.group_account_invoice,'
                                                                     'sales_team.group_sale_salesman')
        self._confirmed_order(name='CLICK-PASS-SO', user_id=user.id)
        self.start_tour('/odoo/action-payment_click.action_payment_click_pass_wizard', 'payment_click_pass_counter',
                        login=user.login)

    def test_a_registry_load_writes_no_view_or_action(self):
        """Sale orders are reached without records made at registry load: loading the models again
        (as a registry load does, sale installed) writes no view and no action."""
        old = self.env['ir.model.data'].search([('module', '=', 'payment_click'), (
            'name', 'in', ('view_order_form_click_pass', 'action_sale_order_click_pass'))])
        for data in old.sorted(lambda d: d.model != 'ir.ui.view'):  # the view first: its button names the action
            self.env[data.model].browse(data.res_id).unlink()
        self.env.flush_all()
        models_ = ('ir.ui.view', 'ir.actions.server', 'ir.actions.act_window')

        def newest():
            self.env.invalidate_all()
            return {model: self.env[model].with_context(active_test=False).search_read(
                [], ['write_date'], order='write_date desc, id desc', limit=1) for model in models_}

        before = newest()
        for model in self.env.values():  # what the registry does once loaded
            model._register_hook()
        self.env.flush_all()
        self.assertEqual(newest(), before)
        self.assertFalse(self.env['ir.actions.actions'].search_count([('binding_model_id.model', '=', 'sale.order'),
                                                                      ('name', 'ilike', 'CLICK Pass')]))

    def test_the_invoice_form_offers_the_button_to_accountants(self):
        arch = self.env['account.move'].with_user(self.cashier).get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('Charge with CLICK Pass', arch)

    @MUTE
    def test_the_fiscal_receipt_is_issued_before_the_wizard_closes(self):
        """The cashier's form shows the receipt issued, with its QR code, not "To send" until reloaded."""
        self.company_data['company'].vat = '123456789'
        desk = self.env['product.product'].create({
            'name': "Office desk", 'click_spic': '10399001001000000', 'click_package_code': '1501459',
        })
        self.invoice = self.env['account.move'].create({
            'move_type': 'out_invoice', 'partner_id': self.partner_a.id, 'currency_id': self.currency.id,
            'invoice_line_ids': [Command.create({'product_id': desk.id, 'price_unit': 15000.0, 'tax_ids': []})],
        })
        self.invoice.action_post()
        _wizard, action, tx = self._charge(self._show_code())
        self.assertEqual(action['params']['next']['tag'], 'soft_reload')
        self.assertEqual(tx.click_receipt_state, 'done')
        self.assertEqual(self.invoice.click_receipt_state, 'done')
        self.assertTrue(self.invoice.click_receipt_qr_url)
        self.assertTrue(self.invoice.click_receipt_qr_image, "the invoice form shows the QR code")
