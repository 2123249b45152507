import threading
from urllib.parse import urlsplit

from odoo.modules import module
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME, _super_send

from odoo.addons.payment.tests.http_common import PaymentHttpCommon
from odoo.addons.payment_click.click_api.emulator import ShopClient
from odoo.addons.payment_click.controllers.main import ClickController

SECRET_KEY = 'TEST_SECRET'
CREDENTIALS = {
    'click_merchant_id': '4600',
    'click_service_id': '12345',
    'click_merchant_user_id': '4321',
    'click_secret_key': SECRET_KEY,
}


class ClickCommon(PaymentHttpCommon):
    """A Click provider in test mode, UZS, and a Click client aimed at the real routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls._prepare_currency('UZS')
        cls.click = cls._prepare_provider('click', update_values=dict(CREDENTIALS, is_published=True))
        cls.provider = cls.click
        cls.payment_method = cls.env.ref('payment_click.payment_method_click')
        cls.payment_method_id = cls.payment_method.id
        cls.amount = 15000.0
        cls.reference = 'S00042-1'

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Send requests to this server unchanged, and let this server's code call the emulator on
        this server, as Click's separate servers would.

        Odoo's guard lifts timeouts under 10 s and cannot compare the Merchant API client's
        ``(connect, read)`` pair. HttpCase serves one request at a time on a shared test cursor, and
        only requests carrying the running test's cookie: the emulator's calls (invoice/create from a
        route, Prepare from the Click app's page, Prepare and Complete from the emulator's thread)
        get the cookie, and a route waiting for such an answer lets go of the cursor until it comes.
        """
        if urlsplit(r.url).hostname not in (HOST, 'localhost'):
            return super()._request_handler(s, r, **kw)
        test = module.current_test
        cookies = r.headers.get('Cookie') or ''
        if test and test.http_request_key and TEST_CURSOR_COOKIE_NAME not in cookies:
            test_cookie = f'{TEST_CURSOR_COOKIE_NAME}={test.http_request_key}'
            r.headers['Cookie'] = f'{cookies}; {test_cookie}' if cookies else test_cookie
        lock = getattr(cls.registry, 'test_lock', None)  # none for the tests on committed data
        if lock is None or not lock._is_owned():
            return _super_send(s, r, **kw)
        state = lock._release_save()
        try:
            return _super_send(s, r, **kw)
        finally:
            lock._acquire_restore(state)

    def _set_emulator_fault(self, fault):
        """Make the emulator misbehave; flushed, since it reads the provider from the database."""
        self.click.click_emulator_fault = fault
        self.env.flush_all()

    def _wait_for_click(self):
        """Let the emulator's calls to Odoo end before the test reads the database: they share its transaction."""
        for thread in threading.enumerate():
            if thread.name == 'click-emulator':
                thread.join(timeout=30)
        self.env.invalidate_all()

    def _click_client(self, provider=None):
        provider = provider or self.click
        return ShopClient(
            self._build_url(ClickController._prepare_url),
            self._build_url(ClickController._complete_url),
            provider.click_service_id,
            provider.click_secret_key,
            session=self.opener,
        )

    def assertAnswer(self, response, code):
        """Click always gets HTTP 200 and a JSON object carrying the code."""
        self.assertEqual(response.status, 200, response.text)
        self.assertTrue(response.content_type.startswith('application/json'), response.content_type)
        self.assertIsInstance(response.body, dict, response.text)
        self.assertEqual(response.body['error'], int(code), response.body)

    def _create_click_tx(self, reference=None, **values):
        return self._create_transaction('redirect', reference=reference or self.reference, **values)

    def _prepare_and_complete(self, tx, **complete_overrides):
        """Run a successful Prepare, then a Complete, and return both answers' bodies."""
        client = self._click_client()
        prepared = client.prepare(tx.reference, tx.amount)
        completed = client.complete(
            tx.reference, tx.amount, prepared.body['merchant_prepare_id'], **complete_overrides
        )
        return prepared, completed
