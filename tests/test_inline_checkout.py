"""Click's inline window (SPEC §6): the payment form's parameters and script, the emulated window, and
the customer's checkout in a browser, inline and through Click's page."""
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.payment_click import const
from odoo.addons.payment_click.emulator import click as emulator
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.tests.common import MUTE, ClickCommon, ClickShopCommon

SHOP_URL = '/shop?search=Click%20Test%20Tea'


@tagged('post_install', '-at_install')
class TestInlineCheckout(ClickCommon):

    def _transaction_values(self, flow):
        return self._get_processing_values(**self._prepare_transaction_values(self.payment_method_id, None, flow))

    def _pay_page(self):
        response = self._portal_pay(**self._prepare_pay_values())
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_the_window_gets_the_payment_buttons_parameters(self):
        self.click.click_accepted_cards = 'humo'
        button = self._extract_values_from_html_form(self._transaction_values('redirect')['redirect_form_html'])
        params = self._transaction_values('direct')['click_checkout_params']
        expected = dict(button['inputs'], transaction_param=params['transaction_param'])  # a second payment
        expected.pop('return_url')  # The window has none: the payment form leaves when it closes.
        self.assertEqual(params, expected)
        self.assertEqual(params['card_type'], 'humo')
        tx = self._get_tx(params['transaction_param'])
        self.assertEqual((tx.operation, tx.state), ('online_direct', 'draft'))  # Only Complete pays.

    def test_the_payment_form_loads_the_emulators_script_in_test_mode_and_clicks_when_enabled(self):
        self.assertNotIn('data-click-checkout-script', self._pay_page())  # Redirect: today's behaviour.
        self.click.click_payment_window = 'inline'
        self.assertIn(f'data-click-checkout-script="{const.EMULATOR_CHECKOUT_SCRIPT_URL}"', self._pay_page())
        self.click.state = 'enabled'
        self.assertIn('data-click-checkout-script="https://my.click.uz/pay/checkout.js"', self._pay_page())

    def test_each_method_says_what_happens_next(self):
        page = self._pay_page()
        self.assertNotIn("Pay with your Uzcard or Humo card through Click.", page)  # One sentence for all three.
        self.assertIn("You go to Click's page", page)
        self.assertIn("Confirm in the Click app on your phone", page)
        self.assertIn("Type your card here; Click texts you a code", page)
        self.click.click_payment_window = 'inline'
        self.assertIn("Click's window opens on this page", self._pay_page())

    def test_the_emulators_pages_speak_to_a_payer(self):
        tx = self._create_transaction('direct', reference='S00042-page')
        params = dict(tx._get_processing_values()['click_checkout_params'], inline='1')
        page = self.opener.get(self._build_url(ClickEmulatorController._payment_page_url), params=params).text
        self.assertIn("no card is needed and no money moves", page)
        self.assertIn("<summary>What happens</summary>", page)  # The calls, for who wants them.
        self.assertIn("o_click_card_inline", page)  # The window's page is compact: no scrollbar.
        app = self.opener.get(self._build_url(ClickEmulatorController._app_url), params={'phone': '998901234567'}).text
        self.assertIn("<summary>What happens</summary>", app)
        self.assertIn("?width=210&amp;height=210", app)  # Whole pixels per module of the 21-module QR: no gaps.
        self.assertIn("flex-wrap: wrap", app)  # "New code" wraps inside the card.

    def test_the_emulators_script_defines_clicks_global(self):
        response = self.url_open(const.EMULATOR_CHECKOUT_SCRIPT_URL)
        self.assertEqual(response.status_code, 200)
        self.assertIn('window.createPaymentRequest = function (params, callback)', response.text)

    @MUTE
    def test_the_emulated_window_pays_and_reports_clicks_status(self):
        for outcome, status, state in (('pay', emulator.CHECKOUT_PAID, 'done'),
                                       ('decline', emulator.CANCELLED_BY_CLICK, 'cancel')):
            with self.subTest(outcome):
                tx = self._create_transaction('direct', reference=f'S00042-{outcome}')
                params = dict(tx._get_processing_values()['click_checkout_params'], inline='1')
                page = self.opener.get(self._build_url(ClickEmulatorController._payment_page_url), params=params)
                self.assertIn('o_click_pay', page.text)
                response = self.opener.post(
                    self._build_url(ClickEmulatorController._payment_page_url), data=dict(params, outcome=outcome),
                )
                self._wait_for_click()
                self.assertEqual(response.status_code, 200)
                self.assertIn(f'data-status="{status}"', response.text)
                self.assertIn('window.parent.postMessage', response.text)
                self.assertEqual(tx.state, state)


@tagged('post_install', '-at_install', 'is_tour')
class TestCheckoutTours(ClickShopCommon):
    """The customer checks out in headless Chromium and pays on the emulated Click page or window."""

    def _paid_order(self, operation, state='done'):
        tx = self.env['payment.transaction'].search([('provider_id', '=', self.click.id)])
        self.assertEqual(len(tx), 1)
        self.assertEqual((tx.operation, tx.state), (operation, state))
        return tx.sale_order_ids

    @MUTE
    def test_redirect_flow_pay(self):
        self.start_tour(SHOP_URL, 'payment_click_redirect_pay', login='admin')
        self.assertEqual(self._paid_order('online_redirect').state, 'sale')

    @MUTE
    def test_redirect_flow_decline(self):
        """The decline page offers the cart back, and the cart shows the same order."""
        self.start_tour(SHOP_URL, 'payment_click_redirect_decline', login='admin')
        order = self._paid_order('online_redirect', state='cancel')
        self.assertEqual(order.state, 'draft')
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(self.env['sale.order'].search_count([('website_id', '!=', False)]), 1)

    @MUTE
    def test_inline_flow_pay(self):
        self.click.click_payment_window = 'inline'
        self.start_tour(SHOP_URL, 'payment_click_inline_pay', login='admin')
        self.assertEqual(self._paid_order('online_direct').state, 'sale')

    @MUTE
    def test_inline_window_closed_returns_to_the_payment_step(self):
        """Closing Click's window with × leaves the order in the cart and the payment harmless."""
        self.click.click_payment_window = 'inline'
        self.start_tour(SHOP_URL, 'payment_click_inline_close', login='admin')
        tx = self.env['payment.transaction'].search([('provider_id', '=', self.click.id)])
        # Click never heard of it (no Prepare), so nothing can debit it unseen; the next Pay makes another.
        self.assertEqual((tx.state, tx.click_trans_id, tx.sale_order_ids.state), ('draft', False, 'draft'))

    @MUTE
    def test_inline_falls_back_to_clicks_page_when_the_script_cannot_load(self):
        self.click.click_payment_window = 'inline'
        with patch.object(type(self.click), '_click_get_checkout_script_url',
                          lambda _provider: '/payment_click/static/emulator/blocked.js'):
            self.start_tour(SHOP_URL, 'payment_click_redirect_pay', login='admin')
        self.assertEqual(self._paid_order('online_redirect').state, 'sale')
