"""Coming back from Click in another browser: the signed return_url shows the payment without a session."""
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, Opener
from odoo.tools.misc import hmac

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import MUTE, ClickCommon, ClickShopCommon, FreshBrowserTour


@tagged('post_install', '-at_install')
class TestReturnFromClick(ClickCommon):

    def setUp(self):
        super().setUp()
        self.tx = self._create_click_tx()
        button = self._extract_values_from_html_form(self.tx._get_processing_values()['redirect_form_html'])
        self.return_url = button['inputs']['return_url']

    def _fresh_browser(self):
        """A browser that has never seen this shop: no session cookie, only the test's cursor key."""
        browser = Opener(self.cr)
        browser.cookies[TEST_CURSOR_COOKIE_NAME] = self.http_request_key
        return browser

    def _open(self, browser, url):
        """Open a return link as the Click app does: the page itself tells the payment's state."""
        page = browser.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.url.startswith(self._build_url(ClickController._return_url)), page.url)
        return page

    def _start_payment_in_this_browser(self):
        """Pay as the shop's payment form does: this browser's status page now follows the payment."""
        return self._get_processing_values(**self._prepare_transaction_values(self.payment_method_id, None, 'redirect'))

    def _tampered(self, **query):
        """The return link with some of its query replaced (None: left out)."""
        params = {key: values[0] for key, values in parse_qs(urlsplit(self.return_url).query).items()}
        params.update(query)
        params = {key: value for key, value in params.items() if value is not None}
        return self._build_url(ClickController._return_url), params

    def test_return_url_carries_the_reference_an_expiry_and_a_token_signing_both(self):
        self.click.click_return_link_days = 5
        before = int(time.time())
        url = urlsplit(self.tx._click_return_url())
        self.assertEqual(url.path, ClickController._return_url)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.assertEqual(set(query), {'reference', 'expires', 'access_token'})
        self.assertEqual(query['reference'], self.tx.reference)
        self.assertTrue(before + 5 * 86400 <= int(query['expires']) <= time.time() + 5 * 86400)
        self.assertEqual(query['access_token'], hmac(
            self.env(su=True), 'generate_access_token', f"{self.tx.reference}|{query['expires']}",
        ))

    def test_the_links_validity_is_at_least_a_day(self):
        with self.assertRaises(ValidationError):
            self.click.click_return_link_days = 0

    def test_a_browser_that_started_no_payment_gets_no_cart_back(self):
        self.tx._set_canceled()
        page = self._fresh_browser().get(self._build_url(ClickController._cart_url))
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.url.endswith('/shop'), page.url)

    def test_the_browser_that_started_the_payment_goes_on_to_the_status_page(self):
        values = self._start_payment_in_this_browser()
        tx = self._get_tx(values['reference'])
        page = self.opener.get(tx._click_return_url())
        self.assertTrue(page.url.endswith('/payment/status'), page.url)
        self.assertIn(tx.reference, page.text)

    def test_a_fresh_browser_sees_a_paid_payment_in_the_status_pages_words(self):
        self._prepare_and_complete(self.tx)
        self.assertEqual(self.tx.state, 'done')
        browser = self._fresh_browser()
        page = self._open(browser, self.return_url)
        self.assertIn("Thank you!", page.text)
        self.assertIn("Your payment has been successfully processed.", page.text)
        self.assertIn(self.tx.reference, page.text)
        self.assertNotIn('http-equiv="refresh"', page.text)  # A final state: nothing more to wait for.

    def test_a_fresh_browser_sees_a_waiting_payment_turn_when_complete_arrives(self):
        browser = self._fresh_browser()
        page = self._open(browser, self.return_url)
        self.assertIn("Your payment has not been processed yet.", page.text)  # Returning proves nothing.
        self.assertIn('http-equiv="refresh"', page.text)
        self._prepare_and_complete(self.tx)
        self.assertIn("Thank you!", self._open(browser, self.return_url).text)

    def test_a_fresh_browser_sees_a_refund(self):
        self._prepare_and_complete(self.tx)
        self.tx._create_child_transaction(self.tx.amount, is_refund=True)._set_done()
        page = self._open(self._fresh_browser(), self.return_url)
        self.assertIn("Refunded:", page.text)
        self.assertIn("15,000", page.text)

    def test_a_wrong_expired_or_missing_token_says_so_and_reveals_nothing(self):
        self._prepare_and_complete(self.tx)
        other_token = hmac(self.env(su=True), 'generate_access_token', 'S00043-1')
        expires = parse_qs(urlsplit(self.return_url).query)['expires'][0]
        past = str(int(time.time()) - 60)
        cases = {
            'tampered token': {'access_token': other_token},
            'altered token': {'access_token': other_token[:-1] + ('0' if other_token[-1] != '0' else '1')},
            'non-ASCII token': {'access_token': 'é' * 64},
            'missing token': {'access_token': None},
            'empty token': {'access_token': ''},
            'token of another reference': {'reference': 'S00043-1', 'access_token': other_token},
            'missing reference': {'reference': None},
            'expiry moved later': {'expires': str(int(expires) + 86400)},
            'missing expiry': {'expires': None},
            'expiry not a number': {'expires': '1e99'},
            'expired link': {'expires': past, 'access_token': hmac(
                self.env(su=True), 'generate_access_token', f'{self.tx.reference}|{past}')},
            'token without an expiry (older links)': {'expires': None, 'access_token': hmac(
                self.env(su=True), 'generate_access_token', self.tx.reference)},
        }
        for case, query in cases.items():
            with self.subTest(case):
                browser = self._fresh_browser()
                url, params = self._tampered(**query)
                page = browser.get(url, params=params)
                poll = browser.post(
                    self._build_url('/payment/status/poll'),
                    json={'jsonrpc': '2.0', 'method': 'call', 'params': {}},
                ).json()['result']
                self.assertEqual(page.status_code, 200)
                self.assertIn("This payment link is not valid, or it has expired.", page.text)
                self.assertIn('href="/shop"', page.text)
                self.assertEqual((poll['provider_code'], poll['state']), (False, False))
                self.assertNotIn(self.tx.reference, page.text)
                self.assertNotIn('15,000', page.text)
                self.assertNotIn("Your payment is on its way", page.text)

    def test_a_wrong_token_leaves_the_visitors_own_payment_followed(self):
        self._prepare_and_complete(self.tx)
        values = self._start_payment_in_this_browser()
        url, params = self._tampered(access_token='x' * 64)
        page = self.opener.get(url, params=params)
        self.assertNotIn(self.tx.reference, page.text)
        status = self.make_jsonrpc_request(self._build_url('/payment/status/poll'), {})
        self.assertEqual(status['state'], 'draft')
        self.assertIn(values['reference'], self.opener.get(self._build_url('/payment/status')).text)


@tagged('post_install', '-at_install')
class TestReturnLinkOfADocument(AccountPaymentCommon, ClickCommon):
    """A declined payment of an invoice: the way back to paying, and who gets the portal token."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.init_invoice(
            'out_invoice', partner=cls.partner_a, amounts=[15000.0], currency=cls.currency, post=True,
        )
        cls.env['website'].get_current_website().company_id = cls.invoice.company_id
        cls.env.ref('base.user_admin').company_ids |= cls.invoice.company_id

    def test_pay_again_carries_the_portal_token_only_for_the_browser_that_paid(self):
        self.authenticate(None, None)
        values = self.make_jsonrpc_request(self._build_url(f'/invoice/transaction/{self.invoice.id}'), {
            'access_token': self.invoice._portal_ensure_token(), 'provider_id': self.click.id,
            'payment_method_id': self.payment_method_id, 'token_id': None, 'amount': 15000.0,
            'flow': 'redirect', 'tokenization_requested': False, 'landing_route': self.invoice.get_portal_url(),
        })
        tx = self._get_tx(values['reference'])
        tx._set_canceled()
        own = self.opener.get(self._build_url('/payment/status')).text
        self.assertIn("Pay again:", own)
        self.assertIn(f'access_token={self.invoice.access_token}', own)

        browser = Opener(self.cr)
        browser.cookies[TEST_CURSOR_COOKIE_NAME] = self.http_request_key
        page = browser.get(tx._click_return_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("no money was taken", page.text)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn(self.invoice.access_token, page.text)
        self.assertNotIn("Pay again", page.text)  # A stranger's browser cannot open the invoice.

        self.authenticate('admin', 'admin')  # A user who can open the invoice gets its plain address.
        page = self.opener.get(tx._click_return_url()).text
        self.assertIn(f'href="{self.invoice.access_url}"', page)
        self.assertNotIn(self.invoice.access_token, page)


@tagged('post_install', '-at_install')
class TestReturnFromClickTour(FreshBrowserTour, ClickCommon):
    """The Click app opens return_url in a browser that has never visited the shop."""

    def test_return_in_a_fresh_browser_shows_the_payment_succeeded(self):
        tx = self._create_click_tx()
        partner_token = hmac(
            self.env(su=True), 'generate_access_token', f'{tx.partner_id.id}|{tx.amount}|{tx.currency_id.id}',
        )
        tx.landing_route = f'/payment/confirmation?tx_id={tx.id}&access_token={partner_token}'
        self._prepare_and_complete(tx)
        self.assertEqual(tx.state, 'done')
        return_url = urlsplit(tx._click_return_url())
        self.start_tour(f'{return_url.path}?{return_url.query}', 'payment_click_return_fresh_browser')


@tagged('post_install', '-at_install', 'is_tour')
class TestReturnShopOrderTour(FreshBrowserTour, ClickShopCommon):
    """A shop order lands on /shop/payment/validate, which needs the cart of the browser that paid."""

    def _shop_order_tx(self):
        order = self.env['sale.order'].create({
            'partner_id': self.env.ref('base.user_admin').partner_id.id,
            'website_id': self.env['website'].get_current_website().id,
            'order_line': [Command.create({'product_id': self.product.id})],
        })
        return self._create_click_tx(
            sale_order_ids=[Command.set(order.ids)], amount=order.amount_total, partner_id=order.partner_id.id,
            landing_route='/shop/payment/validate',
        )

    def test_a_shop_orders_link_in_a_fresh_browser_shows_the_order_paid(self):
        tx = self._shop_order_tx()
        self._prepare_and_complete(tx)
        self.assertEqual(tx.state, 'done')
        return_url = urlsplit(tx._click_return_url())
        self.start_tour(f'{return_url.path}?{return_url.query}', 'payment_click_return_shop_order_fresh_browser')

    @MUTE
    def test_paying_on_clicks_page_in_another_browser_shows_the_order_turn_paid(self):
        """The issue's steps: Click's page, copied to a browser with no cookies, and Pay pressed there."""
        tx = self._shop_order_tx()
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        self.start_tour(f"{urlsplit(button['action']).path}?{urlencode(button['inputs'])}",
                        'payment_click_pay_in_another_browser')
        self._wait_for_click()
        self.assertEqual(tx.state, 'done')
