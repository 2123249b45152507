import threading
from contextlib import contextmanager
from unittest.mock import patch
from urllib.parse import urlsplit

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules import module
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME, _super_send
from odoo.tools import config, mute_logger

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment.tests.http_common import PaymentHttpCommon
from odoo.addons.payment_click.click_api.shop_client import ShopClient
from odoo.addons.payment_click.controllers.main import ClickController

SECRET_KEY = 'TEST_SECRET'
CREDENTIALS = {
    'click_merchant_id': '4600',
    'click_service_id': '12345',
    'click_merchant_user_id': '4321',
    'click_secret_key': SECRET_KEY,
}

MUTE_CLICK_PASS = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                              'odoo.addons.payment_click.models.payment_transaction_click_pass',
                              'odoo.addons.payment_click.controllers.emulator',
                              'odoo.addons.payment_click.controllers.emulator_merchant',
                              'odoo.addons.payment_click.click_api.merchant',
                              'odoo.addons.payment_click.wizard.payment_click_pass_wizard')


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
        # The test's transaction is rolled back at the end, never committed.
        cls.startClassPatcher(patch.object(cls.registry['payment.transaction'], '_click_commit', lambda self: None))

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
        self.env['payment.click.emulator.service']._of(self.click).fault = fault
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

    @contextmanager
    def _door(self):
        """Record the source of each call of the payment framework's door, for Click, in a list."""
        transaction = self.registry['payment.transaction']
        handle, sources = transaction._handle_notification_data, []

        def spy(tx, provider_code, notification_data):
            if provider_code == 'click':
                sources.append(notification_data['source'])
            return handle(tx, provider_code, notification_data)

        with patch.object(transaction, '_handle_notification_data', spy):
            yield sources

    def _prepare_and_complete(self, tx, **complete_overrides):
        """Run a successful Prepare, then a Complete, and return both answers' bodies."""
        client = self._click_client()
        prepared = client.prepare(tx.reference, tx.amount)
        completed = client.complete(
            tx.reference, tx.amount, prepared.body['merchant_prepare_id'], **complete_overrides
        )
        return prepared, completed


class ClickCommittedCase(BaseCase):
    """Commits real data, which each subclass removes: every racer works on its own database
    connection, as on separate Odoo workers, and so do this server's HTTP threads."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.base_url = f'http://{HOST}:{config["http_port"]}'

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Let requests to this server through with the Merchant API client's own timeouts."""
        if urlsplit(r.url).hostname in (HOST, 'localhost'):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @contextmanager
    def _committed_env(self):
        """A superuser environment on a cursor of its own, committed on leaving."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _committed_provider(self, name, service_id, secret):
        """A Click provider in test mode with a bank journal, for UZS: its id; removed after the test
        (after what the test registers for removal later, which may refer to it)."""
        with self._committed_env() as env:
            env.ref('base.UZS').active = True
            provider = env.ref('payment_click.payment_provider_click').copy({
                'name': name,
                'click_merchant_id': '4600', 'click_service_id': service_id,
                'click_merchant_user_id': '4321', 'click_secret_key': secret,
            })
            provider.write({'state': 'test', 'journal_id': env['account.journal'].search(
                [('type', '=', 'bank'), ('company_id', '=', provider.company_id.id)], limit=1).id})
            provider_id = provider.id
        self.addCleanup(self._remove_provider, provider_id)
        return provider_id

    def _remove_provider(self, provider_id):
        with self._committed_env() as env:
            provider = env['payment.provider'].browse(provider_id)
            provider.write({'state': 'disabled'})
            provider.unlink()  # its attempts and emulated records go with it

    @staticmethod
    def _tx_values(env, provider_id, reference, operation, method_xmlid='payment_click.payment_method_click', **values):
        """Values of a payment of 15,000 so'm by the administrator."""
        return {
            'provider_id': provider_id,
            'payment_method_id': env.ref(method_xmlid).id,
            'amount': 15000.0,
            'currency_id': env.ref('base.UZS').id,
            'partner_id': env.ref('base.partner_admin').id,
            'reference': reference,
            'operation': operation,
            **values,
        }

    def _click_is_this_server(self):
        """Point ``web.base.url``, where the routes find Click's emulator, to this server until the test ends."""
        with self._committed_env() as env:
            params = env['ir.config_parameter']
            self.addCleanup(self._set_base_url, params.get_param('web.base.url'))
            params.set_param('web.base.url', self.base_url)

    def _set_base_url(self, base_url):
        with self._committed_env() as env:
            env['ir.config_parameter'].set_param('web.base.url', base_url)

    def _browser(self, tx_id):
        """A browser session whose status page follows the payment ``tx_id``, as after pressing Pay."""
        session = odoo.http.root.session_store.new()
        session.update(odoo.http.get_default_session(), db=get_db_name())
        session[PaymentPostProcessing.MONITORED_TX_ID_KEY] = tx_id
        odoo.http.root.session_store.save(session)
        self.addCleanup(odoo.http.root.session_store.delete, session)
        browser = requests.Session()
        browser.cookies['session_id'] = session.sid
        return browser

    def _race_threads(self, targets, timeout=60):
        """Run each of ``targets`` in its own thread, released at once.

        Each target gets ``start``, to call when it is ready to race, and returns its outcome
        (``None`` for nothing to report).

        :return: the outcomes in order of arrival, a racer's exception as its ``repr``
        """
        barrier, outcomes = threading.Barrier(len(targets)), []

        def run(target):
            try:
                outcome = target(lambda: barrier.wait(timeout=30))
                if outcome is not None:
                    outcomes.append(outcome)
            except Exception as error:  # noqa: BLE001 - reported by the caller's assertions on the outcomes
                outcomes.append(repr(error))
                barrier.abort()

        racers = [threading.Thread(target=run, args=(target,)) for target in targets]
        # The test runner holds the registry lock for the whole run; Odoo's HTTP tests lift it the
        # same way (Registry.enter_test_mode) so that other threads can build environments.
        with patch.object(Registry, '_lock', DummyRLock()):
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=timeout)
        return outcomes
