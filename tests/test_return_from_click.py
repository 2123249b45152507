"""Coming back from Click in another browser: the signed return_url finds the payment without a session."""
from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME, Opener
from odoo.tools.misc import hmac

from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon


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

    def _return(self, browser, url):
        """Follow a return link as the Click app does, and poll the status page as its script does."""
        page = browser.get(url)
        poll = browser.post(
            self._build_url('/payment/status/poll'), json={'jsonrpc': '2.0', 'method': 'call', 'params': {}},
        )
        self.assertEqual((page.status_code, poll.status_code), (200, 200))
        self.assertTrue(page.url.endswith('/payment/status'), page.url)
        return page, poll.json()['result']

    def _tampered(self, **query):
        """The return link with some of its query replaced (None: left out)."""
        params = {key: values[0] for key, values in parse_qs(urlsplit(self.return_url).query).items()}
        params.update(query)
        params = {key: value for key, value in params.items() if value is not None}
        return self._build_url(ClickController._return_url), params

    def test_return_url_carries_the_reference_and_a_signed_token(self):
        url = urlsplit(self.return_url)
        self.assertEqual(url.path, ClickController._return_url)
        self.assertEqual(parse_qs(url.query), {
            'reference': [self.tx.reference],
            'access_token': [hmac(self.env(su=True), 'generate_access_token', self.tx.reference)],
        })

    def test_a_fresh_browser_lands_on_the_real_state_of_a_paid_transaction(self):
        self._prepare_and_complete(self.tx)
        self.assertEqual(self.tx.state, 'done')
        browser = self._fresh_browser()
        self.assertNotIn('session_id', browser.cookies)
        page, status = self._return(browser, self.return_url)
        self.assertEqual((status['provider_code'], status['state']), ('click', 'done'))
        self.assertIn(self.tx.reference, page.text)
        self.assertIn('session_id', browser.cookies)  # The visitor's new session now follows the payment.

    def test_a_fresh_browser_sees_a_draft_transaction_still_waiting(self):
        _page, status = self._return(self._fresh_browser(), self.return_url)
        self.assertEqual(status['state'], 'draft')  # Returning proves nothing: only Complete pays.

    def test_a_wrong_or_missing_token_reveals_nothing(self):
        self._prepare_and_complete(self.tx)
        other_token = hmac(self.env(su=True), 'generate_access_token', 'S00043-1')
        cases = {
            'tampered token': {'access_token': other_token},
            'altered token': {'access_token': other_token[:-1] + ('0' if other_token[-1] != '0' else '1')},
            'non-ASCII token': {'access_token': 'é' * 64},
            'missing token': {'access_token': None},
            'empty token': {'access_token': ''},
            'token of another reference': {'reference': 'S00043-1', 'access_token': other_token},
            'missing reference': {'reference': None},
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
                self.assertTrue(page.url.endswith('/payment/status'), page.url)
                self.assertEqual((poll['provider_code'], poll['state']), (False, False))
                self.assertNotIn(self.tx.reference, page.text)
                self.assertNotIn('15,000', page.text)
                self.assertNotIn('name="o_payment_status"', page.text)

    def test_a_wrong_token_leaves_the_visitors_own_payment_followed(self):
        self._prepare_and_complete(self.tx)
        other = self._create_click_tx(reference='S00043-1')
        browser = self._fresh_browser()
        _page, status = self._return(browser, other._click_return_url())
        self.assertEqual(status['state'], 'draft')
        url, params = self._tampered(access_token='x' * 64)
        page = browser.get(url, params=params)
        self.assertNotIn(self.tx.reference, page.text)
        self.assertIn(other.reference, page.text)


@tagged('post_install', '-at_install')
class TestReturnFromClickTour(ClickCommon):
    """The Click app opens return_url in a browser that has never visited the shop."""

    def authenticate(self, user, password, browser=None):
        """Give the tour's new Chrome profile no session at all, only the test's cursor key."""
        if browser is None or user:
            return super().authenticate(user, password, browser=browser)
        session = super().authenticate(user, password)
        browser.set_cookie(TEST_CURSOR_COOKIE_NAME, self.http_request_key, '/', HOST)
        return session

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
