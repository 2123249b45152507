"""The go-live self-test: Click's fifteen scenarios over HTTP against this server, and the deployment checks."""
import http.client
import http.server
import socket
import threading
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged
from odoo.tests.common import HOST
from odoo.tools import config, mute_logger

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import deployment, self_test
from odoo.addons.payment_click.click_api.shop_client import ShopResponse, StepResult
from odoo.addons.payment_click.click_api.self_test import Cause, SelfTestClient
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.tests.common import CREDENTIALS, ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.controllers.main',
                   'odoo.addons.payment.models.payment_transaction')
STEPS = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'B1', 'B2', 'B3', 'C1', 'C2', 'C3', 'C4']
NOT_FOUND_PAGE = b'<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>'


class _LocalServer(http.server.BaseHTTPRequestHandler):
    """A stand-in for what may answer at a public address instead of this Odoo."""

    def log_message(self, *_args):
        pass

    def _answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _NoDatabase(_LocalServer):
    """An Odoo whose database filter selects no database for this host: a 404 page for every route."""

    def do_GET(self):
        self._answer(404, {'Content-Type': 'text/html; charset=utf-8'}, NOT_FOUND_PAGE)

    do_POST = do_GET


class _Redirect(_LocalServer):
    """A web server sending plain-HTTP calls to its https address."""

    def do_POST(self):
        self._answer(301, {'Location': 'https://shop.example.uz/payment/click/prepare'}, b'')


class _ProxyWithoutForwardedHeaders(_LocalServer):
    """A reverse proxy passing calls on to Odoo under Odoo's own address, as without --proxy-mode."""

    def do_GET(self):
        connection = http.client.HTTPConnection(HOST, config['http_port'], timeout=10)
        connection.request('GET', self.path)
        response = connection.getresponse()
        self._answer(response.status, {'Content-Type': response.getheader('Content-Type', '')}, response.read())


def _serve(test, handler):
    """Serve ``handler`` on a free local port until ``test`` ends; return its base URL."""
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    test.addCleanup(server.server_close)
    test.addCleanup(server.shutdown)
    return f'http://{HOST}:{server.server_port}'


def _silent_address(test):
    """An address that accepts connections and never answers, like a server whose only worker is busy."""
    listener = socket.create_server((HOST, 0))
    test.addCleanup(listener.close)
    return f'http://{HOST}:{listener.getsockname()[1]}'


def _step(expected, status=200, content_type='application/json', text='', body=None):
    return StepResult('A3', "Prepare", expected, ShopResponse({}, status, content_type, text, body))


@tagged('post_install', '-at_install', 'click_unit')
class TestSelfTestDiagnosis(BaseCase):
    """Naming the likely cause of a failed call, without a database."""

    def test_a_step_that_passed_has_no_cause(self):
        self.assertIsNone(self_test.likely_cause(_step(0, body={'error': 0})))

    def test_answers_that_are_not_clicks_json(self):
        cases = [
            (_step(0, 200, 'text/html', '<html>Odoo login</html>'), Cause.HTML),
            (_step(0, 404, 'text/html; charset=utf-8', NOT_FOUND_PAGE.decode()), Cause.HTML),
            (_step(0, 502, 'text/html', '<html>Bad Gateway</html>'), Cause.HTTP_STATUS),
            (_step(0, 403, 'text/plain', 'Forbidden'), Cause.HTTP_STATUS),
            (_step(0, 200, 'text/plain', 'OK'), Cause.NOT_CLICK),
            (_step(0, body={'status': 'ok'}), Cause.NOT_CLICK),
        ]
        for step, cause in cases:
            with self.subTest(status=step.response.status, text=step.response.text):
                self.assertEqual(self_test.likely_cause(step), cause)

    def test_codes_that_betray_another_database_or_key(self):
        cases = [
            (0, ShopError.SIGN_CHECK_FAILED, Cause.KEY_MISMATCH),
            (0, ShopError.BAD_REQUEST, Cause.UNKNOWN_SERVICE),
            (0, ShopError.USER_DOES_NOT_EXIST, Cause.UNKNOWN_PAYMENT),
            (0, ShopError.TRANSACTION_CANCELLED, Cause.UNEXPECTED),
            (ShopError.SIGN_CHECK_FAILED, ShopError.SUCCESS, Cause.UNEXPECTED),  # a forged call accepted
        ]
        for expected, received, cause in cases:
            with self.subTest(expected=expected, received=received):
                self.assertEqual(self_test.likely_cause(_step(expected, body={'error': int(received)})), cause)

    def test_calls_that_get_no_answer_say_why(self):
        client = SelfTestClient('', '', '12345', 'KEY')
        with socket.create_server((HOST, 0)) as closed:
            refused_url = f'http://{HOST}:{closed.getsockname()[1]}/prepare'
        refused = client.send({'action': '0'}, refused_url)
        self.assertEqual(self_test.delivery_problem(refused), Cause.UNREACHABLE)
        self.assertIn("refused", refused.text)
        self.assertNotIn("object at 0x", refused.text)
        redirected = client.send({'action': '0'}, _serve(self, _Redirect) + '/prepare')
        self.assertEqual(self_test.delivery_problem(redirected), Cause.REDIRECT)
        self.assertEqual(redirected.text, 'https://shop.example.uz/payment/click/prepare')
        plain_http = _serve(self, _NoDatabase).replace('http://', 'https://')
        self.assertEqual(self_test.delivery_problem(client.probe(plain_http)), Cause.SSL)
        self.assertFalse(client.timed_out)

    def test_after_a_timeout_nothing_more_is_sent(self):
        client = SelfTestClient('', '', '12345', 'KEY', timeout=0.5)
        client.timed_out = True
        with patch.object(client.session, 'post') as post:
            skipped = client.send({'action': '0'}, f'http://{HOST}:9/prepare')
        self.assertEqual(self_test.delivery_problem(skipped), Cause.SKIPPED)
        post.assert_not_called()

    def test_public_address_comparison(self):
        self.assertTrue(deployment.same_origin('https://shop.uz/', 'https://SHOP.uz:443'))
        self.assertTrue(deployment.same_origin('http://127.0.0.1:8069/', 'http://127.0.0.1:8069'))
        self.assertFalse(deployment.same_origin('http://shop.uz/', 'https://shop.uz/'))
        self.assertFalse(deployment.same_origin('http://127.0.0.1:8069/', 'https://shop.uz/'))

    def test_echo_is_read_from_json_only(self):
        echo = {'url_root': 'https://shop.uz/', 'database': 'abc'}
        self.assertEqual(self_test.read_echo(ShopResponse({}, 200, 'application/json', '', echo)), echo)
        self.assertIsNone(self_test.read_echo(ShopResponse({}, 404, 'text/html', '<html/>')))
        self.assertIsNone(self_test.read_echo(ShopResponse({}, 200, 'application/json', '', {'error': -8})))


@tagged('post_install', '-at_install')
class TestSelfTest(ClickCommon):
    """The provider form's button, played against this test server's own public URLs."""

    def _self_test(self):
        action = self.click.action_click_self_test()
        self.assertEqual((action['res_model'], action['target']), ('payment.click.self.test', 'new'))
        self.env.invalidate_all()
        return self.env['payment.click.self.test'].browse(action['res_id'])

    def _set_base_url(self, url):
        self.env['ir.config_parameter'].set_param('web.base.url', url)
        self.click.invalidate_recordset()

    def _checks(self):
        """The deployment checks, by code, their advice in words as the report shows it; they read the
        database over HTTP too."""
        self.env.flush_all()
        checks = self.click._click_deployment_checks(self.click._click_self_test_client())
        return {check['code']: dict(check, note=messages.self_test_advice(self.env, check['advice'] or {}))
                for check in checks}

    def _assert_check(self, code, passed, note_part=None):
        check = self._checks()[code]
        self.assertEqual(check['passed'], passed, check['note'])
        if note_part:
            self.assertIn(note_part, check['note'])

    def _self_test_transactions(self, run):
        return self.env['payment.transaction'].search([('reference', '=like', f'{run.reference_prefix}-%')],
                                                      order='reference')

    # === Click's scenarios === #

    @MUTE
    def test_the_fifteen_scenarios_pass_against_this_server(self):
        run = self._self_test()
        self.assertEqual(run.step_ids.mapped('step'), STEPS)
        for step in run.step_ids:
            with self.subTest(step=step.step):
                self.assertTrue(step.passed, f"{step.received}: {step.cause}")
                self.assertTrue(step.received.startswith(f'{step.expected} ('), step.received)
                self.assertFalse(step.cause)
        self.assertTrue(run.passed)
        self.assertIn("15 of 15 scenarios passed", run.result)
        self.assertIn(f'merchant_trans_id={run.reference_prefix}-A', run.step_ids[0].sent)
        self.assertEqual(self.click.click_last_self_test_id, run)
        self.assertEqual(self.click.click_self_test_check_ids, run.check_ids)
        self.assertEqual(self._self_test_transactions(run).mapped('state'), ['done', 'done', 'cancel'])

    @MUTE
    def test_the_run_leaves_nothing_in_the_books(self):
        def counts():
            return {model: self.env[model].search_count([]) for model in (
                'account.payment', 'account.move', 'mail.mail', 'mail.message', 'mail.activity',
            )}
        before = counts()
        run = self._self_test()
        txs = self._self_test_transactions(run)
        txs._post_process()  # what the cron that Complete triggers does
        self.assertEqual(counts(), before)
        self.assertTrue(all(txs.mapped('click_is_self_test')))
        self.assertTrue(all(txs.mapped('is_post_processed')))
        self.assertFalse(txs.payment_id)

    @MUTE
    def test_self_test_payments_are_hidden_from_the_transaction_lists(self):
        run = self._self_test()
        action = self.env.ref('payment.action_payment_transaction')
        self.assertIn("'search_default_click_hide_self_tests': 1", action.context)
        listed = self.env['payment.transaction'].search([('click_is_self_test', '=', False)])
        self.assertFalse(listed & self._self_test_transactions(run))

    @MUTE
    def test_two_runs_never_collide(self):
        first, second = self._self_test(), self._self_test()
        self.assertTrue(first.passed and second.passed)
        self.assertFalse(set(self._self_test_transactions(first).mapped('reference'))
                         & set(self._self_test_transactions(second).mapped('reference')))
        self.assertEqual(self.click.click_last_self_test_id, second)

    @MUTE
    def test_a_wrong_key_fails_the_signed_steps(self):
        client = self.click._click_self_test_client()
        client.secret_key = 'NOT_THE_PROVIDER_KEY'
        with patch.object(type(self.click), '_click_self_test_client', lambda _provider: client):
            run = self._self_test()
        self.assertFalse(run.passed)
        steps = {step.step: step for step in run.step_ids}
        self.assertTrue(steps['A1'].passed, "a wrong signature is refused whatever the key")
        self.assertFalse(steps['A3'].passed)
        self.assertTrue(steps['A3'].received.startswith('-1 ('), steps['A3'].received)
        self.assertIn("another secret key", steps['A3'].cause)
        self.assertEqual(self._self_test_transactions(run).mapped('state'), ['cancel'] * 3,
                         "payments the scenarios left unsettled are never payable afterwards")

    @MUTE
    def test_an_address_pointing_nowhere_did_not_reach_odoo(self):
        self._set_base_url(f'http://{HOST}:9')
        run = self._self_test()
        self.assertFalse(run.passed)
        for step in run.step_ids:
            with self.subTest(step=step.step):
                self.assertFalse(step.passed)
                self.assertEqual(step.received, "no answer")
                self.assertIn("cannot be reached from this server", step.cause)
        checks = {check.code: check for check in run.check_ids}
        self.assertIn("could not ask", checks['database'].note)

    @MUTE
    def test_a_single_busy_worker_times_out_once_and_is_named(self):
        self._set_base_url(_silent_address(self))
        with patch.object(const, 'SELF_TEST_TIMEOUT', 1), patch.dict(config.options, {'workers': 1}):
            run = self._self_test()
        self.assertIn("single worker (--workers 1)", run.check_ids.filtered(lambda c: c.code == 'base_url').note)
        self.assertEqual(set(run.step_ids.mapped('received')), {"not sent"})
        self.assertIn("an earlier call got no answer in time", run.step_ids[0].cause)

    @MUTE
    def test_the_report_prints_every_step(self):
        run = self._self_test()
        html, _format = self.env['ir.actions.report']._render_qweb_pdf(
            'payment_click.action_report_payment_click_self_test', run.ids,
        )
        html = html.decode()
        self.assertIn(run.result, html)
        for step in STEPS:
            self.assertIn(f'>{step}<', html)
        self.assertIn(run.prepare_url, html)

    @MUTE
    def test_the_banner_is_green_only_when_the_checks_pass_too(self):
        run = self._self_test()
        self.assertTrue(run.passed, "the fifteen scenarios passed")
        failed = run.check_ids.filtered(lambda check: not check.passed)
        self.assertTrue(failed, "this test server serves plain http: some checks are red")
        self.assertFalse(run.checks_passed)
        arch = self.env['payment.click.self.test'].get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('invisible="not passed or not checks_passed"', arch, "the green banner needs both")
        self.assertIn("but some deployment checks failed", ' '.join(arch.split()))

    @MUTE
    def test_advice_and_scenarios_are_in_the_readers_language(self):
        """The report keeps codes; each reader reads it in their own language."""
        self.env['res.lang']._activate_lang('ru_RU')
        self.click.is_published = False
        self._set_base_url(f'http://{HOST}:9')
        run = self._self_test()
        self.assertIn("cannot be reached from this server", run.step_ids[0].cause)
        published = run.check_ids.filtered(lambda check: check.code == 'published')
        self.assertIn("Publish the provider", published.note)
        in_russian = run.with_context(lang='ru_RU')
        self.assertIn("Опубликуйте провайдер", in_russian.check_ids.filtered(lambda c: c.code == 'published').note)
        self.assertNotIn("cannot be reached", in_russian.step_ids[0].cause)
        self.assertEqual(run.step_ids[0].description, "Prepare with a wrong signature")
        self.assertFalse(run.step_ids._fields['description'].store, "worded when read")

    @MUTE
    def test_a_check_fixed_since_the_run_no_longer_shows_red(self):
        self.click.is_published = False
        run = self._self_test()
        published = run.check_ids.filtered(lambda check: check.code == 'published')
        self.assertFalse(published.passed)
        self.assertFalse(published.fixed)
        self.click.is_published = True
        published.invalidate_recordset()
        shown = self.click.click_self_test_check_ids.filtered(lambda check: check.code == 'published')
        self.assertEqual(shown, published)
        self.assertTrue(shown.fixed, "the provider form shows it fixed, not red")
        self.assertIn("Fixed since this run", shown.note)
        arch = self.env['payment.provider'].get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('decoration-danger="not passed and not fixed"', arch)

    def test_a_disabled_provider_cannot_be_tested(self):
        self.click.state = 'disabled'
        with self.assertRaisesRegex(UserError, "test mode or enabled"):
            self.click.action_click_self_test()

    # === Deployment checks === #

    def test_check_callback_urls(self):
        self._assert_check('callback_urls', False, "not https")
        self._set_base_url('https://shop.example.uz')
        self._assert_check('callback_urls', True)

    def test_check_base_url_frozen(self):
        self._assert_check('base_url_frozen', False, "web.base.url.freeze")
        self.env['ir.config_parameter'].set_param('web.base.url.freeze', 'True')
        self._assert_check('base_url_frozen', True)

    def test_check_base_url(self):
        """A web.base.url that leads nowhere is named as such; --proxy-mode cannot be judged then."""
        self._assert_check('base_url', True)
        self._set_base_url(f'http://{HOST}:9')
        self._assert_check('base_url', False, f"Odoo could not reach itself at web.base.url, http://{HOST}:9")
        self._assert_check('proxy_mode', False, "Not checked: web.base.url does not lead to this Odoo")
        self.assertNotIn("cannot be reached", self._checks()['proxy_mode']['note'])

    def test_check_proxy_mode(self):
        self._assert_check('proxy_mode', True)
        self._set_base_url(_serve(self, _ProxyWithoutForwardedHeaders))
        self._assert_check('proxy_mode', False, "--proxy-mode")
        self._assert_check('database', True)  # the proxy does reach this database

    def test_check_database(self):
        self._assert_check('database', True)
        self._set_base_url(_serve(self, _NoDatabase))
        self._assert_check('database', False, "database filter (--db-filter)")

    def test_check_credentials(self):
        self._assert_check('credentials', True)
        self.click.click_secret_key = ' TEST_SECRET'
        self._assert_check('credentials', False, "starts or ends with a space")

    def test_check_currency(self):
        self._assert_check('currency', True)
        self.currency.active = False
        self._assert_check('currency', False, "UZS")

    def test_check_journal(self):
        self._assert_check('journal', True)
        company = self.env['res.company'].create({'name': "Company Without a Bank Journal"})
        self.click = self._prepare_provider('click', company=company, update_values=dict(
            CREDENTIALS, click_service_id='54321', is_published=True,
        ))
        self._assert_check('journal', False, "journal")

    def test_check_published(self):
        self._assert_check('published', True)
        self.click.is_published = False
        self._assert_check('published', False, "Publish")
