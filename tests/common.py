import hashlib
import json
import logging
import re
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import urlsplit

import requests
from lxml import etree

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules import module
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME, _super_send
from odoo.tools import config, mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment.tests.http_common import PaymentHttpCommon
from odoo.addons.payment_click.click_api import fiscal
from odoo.addons.payment_click.click_api.fiscal import FiscalError
from odoo.addons.payment_click.click_api.merchant import MerchantClient
from odoo.addons.payment_click.click_api.shop import PAYMENT_SUCCESSFUL
from odoo.addons.payment_click.click_api.shop_client import ShopClient, new_click_id
from odoo.addons.payment_click.controllers.card_token import ClickCardTokenController
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController

SECRET_KEY = 'TEST_SECRET'
CREDENTIALS = {
    'click_merchant_id': '4600',
    'click_service_id': '12345',
    'click_merchant_user_id': '4321',
    'click_secret_key': SECRET_KEY,
}

MUTE_CLICK_PASS = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                              'odoo.addons.payment_click.models.payment_transaction_click_pass',
                              'odoo.addons.payment_click.emulator.controllers.main',
                              'odoo.addons.payment_click.emulator.controllers.merchant',
                              'odoo.addons.payment_click.click_api.merchant',
                              'odoo.addons.payment_click.wizard.payment_click_pass_wizard')

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.emulator.controllers.main',
                   'odoo.addons.payment_click.emulator.controllers.merchant',
                   'odoo.addons.payment_click.click_api.merchant',
                   'odoo.http')
PHONE = '998901234567'
OK = {'error_code': 0, 'error_note': 'Success'}

# Fiscal receipts: an invoice of goods with an IKPU.
MUTE_FISCAL = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                          'odoo.addons.payment_click.models.account_move',
                          'odoo.addons.payment_click.emulator.controllers.main',
                          'odoo.addons.payment_click.emulator.controllers.merchant',
                          'odoo.addons.payment_click.click_api.merchant')
SPIC = '10399001001000000'
# Desks: 2 × 10,000 + 12 % VAT on top = 22,400; chairs: 3 × 5,000 − 10 %, no VAT = 13,500.
TOTAL = 35900.0

# Saved cards: the emulator's test cards, and what must never reach the logs.
CARD = '8600 1234 5678 9012'
EXPIRY = '1139'
INSUFFICIENT_FUNDS = '8600000000001112'
BLOCKED = '8600000000002227'
PROCESSING = '8600000000003332'
SECRETS = [re.compile(pattern) for pattern in (
    r'8600\s?1234\s?5678\s?9012', r'(?<!\d)1139(?!\d)', r'11/39', r'0000\s?0000\s?1112', r'0000\s?0000\s?2227',
    r'0000\s?0000\s?3332',
)]

# The scripted Click server on loopback.
SERVICE_ID = 36
USER_ID = 4321
SECRET = 'TEST_SECRET'

# What a visitor reads when a limit on SMS codes or invoices is reached.
REFUSAL = "Click cannot send you more codes or invoices for now"


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


class ClickInvoiceCommon(ClickCommon):
    """What the customer does in the emulated Click app, over HTTP."""

    def _click_app(self, tx, outcome, invoice_id=None):
        """Open the Click app of the invoice's phone, press ``outcome`` on the invoice (by default, the
        transaction's), and let Click call Odoo."""
        return self._press_in_click_app(tx.click_invoice_phone, invoice_id or tx.click_invoice_id, outcome)

    def _press_in_click_app(self, phone, invoice_id, outcome):
        app_url = self._build_url(ClickEmulatorController._app_url)
        page = self.opener.get(app_url, params={'phone': phone})
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice_id, page.text, "the invoice waits in the customer's Click app")
        response = self.opener.post(app_url, data={'phone': phone, 'invoice_id': invoice_id, 'outcome': outcome})
        self.assertEqual(response.status_code, 200)
        self._wait_for_click()
        return response

    def _emulated_invoice(self, tx):
        return self.env['payment.click.emulator.invoice'].search([('invoice_id', '=', tx.click_invoice_id)])

    def _send_from_checkout_refused(self, tx, phone):
        """Call the payment form's route, expect an error, and return its message as the form shows it."""
        response = self.opener.post(self._build_url(ClickController._invoice_url), json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': {'reference': tx.reference, 'phone': phone},
        }).json()
        self.assertIn('error', response, response)
        return response['error']['data']['message']


class ClickShopCommon(ClickInvoiceCommon):
    """A shop selling "Click Test Tea" in so'm, and its admin as a customer with an Uzbek address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env['ir.module.module']._get('website_sale').state != 'installed':
            raise AssertionError("website_sale must be installed to run this test (tools/test.sh installs it)")
        website = cls.env['website'].get_current_website()
        website.company_id = cls.env.company
        pricelist = cls.env['product.pricelist'].create({
            'name': "So'm", 'currency_id': cls.currency.id, 'website_id': website.id, 'sequence': 1,
        })
        cls.product = cls.env['product.product'].create({
            'name': "Click Test Tea", 'type': 'service', 'list_price': 15000.0, 'taxes_id': [Command.clear()],
            'website_published': True,
        })
        pricelist.item_ids = [Command.create({
            'applied_on': '0_product_variant', 'product_id': cls.product.id,
            'compute_price': 'fixed', 'fixed_price': 15000.0,
        })]
        cls.env.ref('base.user_admin').partner_id.write({
            'property_product_pricelist': pricelist.id, 'street': "Amir Temur 1", 'city': "Tashkent",
            'zip': '100000', 'country_id': cls.env.ref('base.uz').id, 'email': 'admin@example.com',
            'phone': '+998 71 200 00 00',
        })

    def setUp(self):
        self.enable_post_process_patcher = False  # The order is confirmed by the real post-processing.
        super().setUp()


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def capture_card_logs(test):
    """Capture what Odoo logs during ``test``, the Click client's debug lines included, and check at
    its end that no card number or expiry is among it.

    :return: the list the captured records go to
    """
    capture = _Capture()
    client_logger = logging.getLogger('odoo.addons.payment_click.click_api')
    test.addCleanup(client_logger.setLevel, client_logger.level)
    client_logger.setLevel(logging.DEBUG)
    for logger in (logging.getLogger('odoo'), logging.getLogger('werkzeug')):
        logger.addHandler(capture)
        test.addCleanup(logger.removeHandler, capture)

    def check():
        formatter = logging.Formatter()
        for record in capture.records:
            text = record.getMessage() + (formatter.formatException(record.exc_info) if record.exc_info else '')
            for secret in SECRETS:
                test.assertNotRegex(text, secret, f"a card number or expiry was logged by {record.name}")
    test.addCleanup(check)
    return capture.records


class ClickCardCommon(AccountPaymentCommon, ClickInvoiceCommon):
    """Checkout with the "Uzcard / Humo card" method of an invoice's payment page, over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.write({'journal_id': cls.company_data['default_journal_bank'].id, 'allow_tokenization': True})
        cls.card_method = cls.env.ref('payment_click.payment_method_click_card')

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice()
        self.logged = capture_card_logs(self)

    def _invoice(self, amount=15000.0):
        return self.init_invoice('out_invoice', partner=self.portal_partner, amounts=[amount],
                                 currency=self.currency, post=True)

    def _checkout(self, invoice=None, tokenize=True, token=None):
        """Press Pay on the invoice's payment page: a new card (direct flow) or a saved one (token flow)."""
        invoice = invoice or self.invoice
        answer = self._call(
            f'/invoice/transaction/{invoice.id}', access_token=invoice._portal_ensure_token(),
            provider_id=self.click.id, payment_method_id=None if token else self.card_method.id,
            token_id=token and token.id, amount=invoice.amount_residual, flow='token' if token else 'direct',
            tokenization_requested=tokenize, landing_route=invoice.get_portal_url(), is_validation=False,
        )
        self._wait_for_click()
        return answer

    def _call(self, url, **params):
        """Call a route of the card form; return its result, or the error message the form shows."""
        response = self.opener.post(self._build_url(url), json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': params,
        }).json()
        self.env.invalidate_all()
        if 'error' in response:
            return response['error']['data']['message']
        return response['result']

    def _request_token(self, reference, card_number=CARD, expire_date=EXPIRY):
        return self._call(ClickCardTokenController._request_url, reference=reference, card_number=card_number,
                          expire_date=expire_date)

    def _verify(self, reference, sms_code='12345'):
        answer = self._call(ClickCardTokenController._verify_url, reference=reference, sms_code=sms_code)
        self._wait_for_click()
        return answer

    def _tx(self, reference):
        return self.env['payment.transaction'].search([('reference', '=', reference)])

    def _save_card(self, card_number=CARD):
        reference = self._checkout()['reference']
        self._request_token(reference, card_number)
        self.assertEqual(self._verify(reference), {'status_url': '/payment/status'})
        return self._tx(reference)

    def _emulated_tokens(self):
        return self.env['payment.click.emulator.card.token'].search([])

    def _assert_paid(self, tx, invoice=None):
        """Done, with its payment posted on the Click journal and reconciled with the invoice."""
        invoice = invoice or self.invoice
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        payment = tx.payment_id
        self.assertEqual((payment.state, payment.amount, payment.journal_id),
                         ('paid', invoice.amount_total, self.click.journal_id))
        self.assertIn(invoice.payment_state, ('paid', 'in_payment'))
        emulated = self.env['payment.click.emulator.payment'].search([('merchant_trans_id', '=', tx.reference)])
        self.assertEqual((emulated.payment_id, emulated.amount, emulated.payment_status),
                         (tx.provider_reference, tx.amount, 2))
        self.assertIn(tx.provider_reference, payment.memo, "Click's payment number is in the memo")

    def _assert_nothing_paid(self, tx, invoice=None):
        self.assertNotEqual(tx.state, 'done')
        self.assertFalse(tx.payment_id)
        self.assertFalse(self.env['payment.token'].with_context(active_test=False).search(
            [('partner_id', '=', self.portal_partner.id)]))
        self.assertEqual((invoice or self.invoice).payment_state, 'not_paid')


class MerchantEmulatorCase(ClickCommon):
    """Calls to the emulator's Merchant API through the provider's own client; no test of its own."""

    def setUp(self):
        super().setUp()
        self.api = self._merchant_client()

    # === Helpers === #

    def _merchant_client(self, **kwargs):
        """The provider's own Merchant API client, which test mode aims at the emulator."""
        client = self.click._click_get_merchant_client(**kwargs)
        self.addCleanup(client.close)
        return client

    def _client_with(self, **overrides):
        """A client of the emulator like the provider's, but with other credentials or clock."""
        client = MerchantClient(**dict({
            'service_id': self.api.service_id, 'merchant_user_id': self.api.merchant_user_id,
            'secret_key': SECRET_KEY, 'base_url': self.api.base_url,
        }, **overrides))
        self.addCleanup(client.close)
        return client

    def _call(self, method, *args):
        """Make one Merchant API call over HTTP.

        The server works in this test's transaction: what the test wrote is flushed first, and
        what the server wrote is read afresh after.
        """
        self.env.flush_all()
        try:
            return method(*args)
        finally:
            self.env.invalidate_all()

    def _refusal(self, error, method, *args):
        """Make a call that must fail with ``error`` and return the exception."""
        with self.assertRaises(error) as caught:
            self._call(method, *args)
        return caught.exception

    def _send_invoice(self, reference, amount=15000.0, phone=PHONE):
        return self._call(self.api.create_invoice, amount, phone, reference)['invoice_id']

    def _open_app(self, phone=PHONE):
        page = self.opener.get(self._build_url(ClickEmulatorController._app_url), params={'phone': phone})
        self.assertEqual(page.status_code, 200)
        return page.text

    def _answer_in_app(self, invoice_id, outcome):
        page = self.opener.post(self._build_url(ClickEmulatorController._app_url),
                                data={'phone': PHONE, 'invoice_id': invoice_id, 'outcome': outcome})
        self.assertEqual(page.status_code, 200)
        self._wait_for_click()
        return page.text

    def _answer_on_payment_page(self, tx, outcome):
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        response = self.opener.post(button['action'], data=dict(button['inputs'], outcome=outcome),
                                    allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self._wait_for_click()

    def _payments(self, reference):
        return self.env['payment.click.emulator.payment'].search([('merchant_trans_id', '=', reference)])

    def _emulated_payment(self, **values):
        return self.env['payment.click.emulator.payment'].create(dict({
            'provider_id': self.click.id,
            'payment_id': str(new_click_id()),
            'click_trans_id': str(new_click_id()),
            'merchant_trans_id': self.reference,
            'amount': 15000.0,
            'payment_status': PAYMENT_SUCCESSFUL,
        }, **values))


class _ClickHandler(BaseHTTPRequestHandler):
    """Records each request and answers with the next ``(status, body, delay)`` of the server's script."""

    def _answer(self):
        raw = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode()
        user, digest, timestamp = (self.headers.get('Auth', '').split(':') + ['', '', ''])[:3]
        self.server.seen.append({
            'method': self.command, 'path': self.path, 'headers': dict(self.headers), 'raw': raw,
            'body': json.loads(raw) if raw else None, 'timestamp': timestamp,
            'auth_ok': user == str(USER_ID) and digest == hashlib.sha1(f'{timestamp}{SECRET}'.encode()).hexdigest(),
        })
        status, body, delay = self.server.script.pop(0) if self.server.script else (500, 'nothing scripted', 0)
        time.sleep(delay)
        payload = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'text/html' if isinstance(body, str) else 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


class _ClickServer(ThreadingHTTPServer):

    def __init__(self):
        super().__init__(('127.0.0.1', 0), _ClickHandler)
        self.script, self.seen = [], []

    def handle_error(self, request, client_address):
        """A client that stopped waiting (the timeout test) is expected."""


class ClickServerCase(BaseCase):
    """A scripted Click Merchant API on loopback, and a client pointed at it."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's guard lifts timeouts under 10 s and cannot compare a (connect, read) pair;
        # every request of these tests goes to 127.0.0.1.
        return _super_send(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = _ClickServer()
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(thread.join)
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.base_url = f'http://127.0.0.1:{cls.server.server_address[1]}/v2/merchant/'

    def setUp(self):
        super().setUp()
        self.server.script.clear()
        self.server.seen.clear()
        self.client = self.make_client()

    def make_client(self, **kwargs):
        client = MerchantClient(SERVICE_ID, USER_ID, SECRET, **dict({'base_url': self.base_url}, **kwargs))
        self.addCleanup(client.close)
        return client


class FiscalReceiptCommon(AccountPaymentCommon, ClickCommon):
    """A posted invoice in so'm of goods with an IKPU, at 12 % and 0 % VAT; helpers to pay it and run the cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.click.journal_id = cls.company_data['default_journal_bank']
        cls.company = cls.company_data['company']
        cls.company.vat = '123456789'
        cls.vat_12 = cls.env['account.tax'].create({
            'name': "VAT 12%", 'amount': 12, 'amount_type': 'percent', 'type_tax_use': 'sale',
            'company_id': cls.company.id,
        })
        cls.vat_0 = cls.env['account.tax'].create({
            'name': "VAT 0%", 'amount': 0, 'amount_type': 'percent', 'type_tax_use': 'sale',
            'company_id': cls.company.id,
        })
        cls.desk = cls.env['product.product'].create({
            'name': "Office desk", 'click_spic': SPIC, 'click_package_code': '1501459', 'barcode': '4780000000017',
        })
        cls.chair = cls.env['product.product'].create({
            'name': "Office chair", 'click_spic': '10399001002000000', 'click_package_code': '1501460',
        })
        cls.cron = cls.env.ref('payment_click.cron_click_send_fiscal_receipts')

    def setUp(self):
        super().setUp()
        self.invoice = self.env['account.move'].create({
            'move_type': 'out_invoice',
            'partner_id': self.partner_a.id,
            'currency_id': self.currency.id,
            'invoice_line_ids': [
                Command.create({'product_id': self.desk.id, 'quantity': 2, 'price_unit': 10000.0,
                                'tax_ids': [Command.set(self.vat_12.ids)]}),
                Command.create({'product_id': self.chair.id, 'quantity': 3, 'price_unit': 5000.0, 'discount': 10,
                                'tax_ids': [Command.set(self.vat_0.ids)]}),
            ],
        })
        self.invoice.action_post()
        self.assertEqual(self.invoice.amount_total, TOTAL)

    # === Helpers === #

    def _pay(self, reference='INV-FISCAL', amount=TOTAL, **links):
        """Pay on the emulated Click page (the invoice, unless ``links`` say what else), and post-process the
        payment as Odoo's cron would."""
        tx = self._create_click_tx(reference=reference, amount=amount, **(links or {'invoice_ids': [self.invoice.id]}))
        button = self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])
        response = self.opener.post(button['action'], data=dict(button['inputs'], outcome='pay'),
                                    allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self._wait_for_click()
        self.assertEqual(tx.state, 'done')
        tx._post_process()
        if not links:
            self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.tx = tx
        return tx

    def _run_cron(self):
        self.env['payment.transaction']._cron_click_send_fiscal_receipts()

    def _make_due(self):
        self.tx.click_receipt_next_try = fields.Datetime.now() - timedelta(seconds=1)

    def _emulated_payment(self, tx):
        self.env.invalidate_all()  # the emulator wrote it in its own request
        payment = self.env['payment.click.emulator.payment'].search([('payment_id', '=', tx.provider_reference)])
        self.assertEqual(len(payment), 1)
        return payment

    def _assert_one_receipt(self, tx):
        payment = self._emulated_payment(tx)
        receipt = json.loads(payment.fiscal_receipt)
        self.assertEqual(receipt['received_ecash'], int(TOTAL * 100))
        self.assertEqual(sum(item['Price'] - item.get('Discount', 0) for item in receipt['items']), int(TOTAL * 100))
        self.assertEqual(self.invoice.click_receipt_state, 'done')
        self.assertEqual(self.invoice.click_receipt_qr_url, payment.fiscal_qr_url)
        return receipt

    def _spy_submit(self):
        return patch.object(MerchantClient, 'submit_fiscal_items', autospec=True,
                            side_effect=MerchantClient.submit_fiscal_items)

    def _activity(self):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'account.move'), ('res_id', '=', self.invoice.id),
            ('summary', '=', "Click fiscal receipt failed"),
        ])

    def _filter_domain(self, view_xmlid, name):
        view = self.env.ref(view_xmlid)
        arch = etree.fromstring(self.env[view.model].get_view(view.id, 'search')['arch'])
        node = arch.xpath(f"//filter[@name='{name}']")[0]
        return safe_eval(node.get('domain'))


class FiscalCase(BaseCase):

    def assertBalanced(self, body):
        """SPEC §9.1 readings: the items add up to what was received, in integers only."""
        total = sum(item['Price'] - item.get('Discount', 0) - item.get('Other', 0) for item in body['items'])
        self.assertEqual(total, body['received_ecash'] + body['received_cash'] + body['received_card'])
        self.assertEqual((body['received_cash'], body['received_card']), (0, 0))
        for item in body['items']:
            self.assertEqual(item['VAT'], fiscal.vat_of(item['Price'] - item.get('Discount', 0), item['VATPercent']))
            self.assertLessEqual(len(item['Name']), 63)

    def assertRefused(self, func, *args, line=None):
        with self.assertRaises(FiscalError) as caught:
            func(*args)
        self.assertEqual(caught.exception.line, line)
        return caught.exception

    def discounts(self, body):
        return [item.get('Discount', 0) for item in body['items']]


class FreshBrowserTour:
    """Tours whose Chrome profile has no session at all, only the test's cursor key."""

    def authenticate(self, user, password, browser=None):
        if browser is None or user:
            return super().authenticate(user, password, browser=browser)
        session = super().authenticate(user, password)
        browser.set_cookie(TEST_CURSOR_COOKIE_NAME, self.http_request_key, '/', HOST)
        return session


class _Requests(logging.Handler):
    """The HTTP requests the test server logs, to see which calls reached the emulator."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.paths = []

    def emit(self, record):
        self.paths.append(record.getMessage())


@contextmanager
def emulator_calls(endpoint):
    """Yield a function telling how many calls to the emulator's ``endpoint`` the server has answered."""
    handler, logger = _Requests(), logging.getLogger('werkzeug')
    logger.addHandler(handler)
    try:
        yield lambda: sum(f'/payment/click/emulator/v2/merchant/{endpoint} ' in line for line in handler.paths)
    finally:
        logger.removeHandler(handler)
