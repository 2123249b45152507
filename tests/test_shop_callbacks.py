"""Click's Prepare and Complete calls, sent over HTTP to the real routes."""
import json
import logging
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.shop_client import BAD_SIGN, run_scenarios
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon

MUTE = mute_logger('odoo.addons.payment_click.models.payment_transaction',
                   'odoo.addons.payment_click.controllers.main')


@tagged('post_install', '-at_install')
class TestShopCallbacks(ClickCommon):

    def setUp(self):
        super().setUp()
        self.client = self._click_client()
        self.tx = self._create_click_tx()

    # === SPEC §4.3: Click's fifteen acceptance scenarios === #

    @MUTE
    def test_click_acceptance_scenarios(self):
        orders = {
            chain: (self._create_click_tx(reference=f'ORDER-{chain}', amount=amount).reference, amount)
            for chain, amount in (('A', 15000.0), ('B', 2500.5), ('C', 99000.0))
        }
        for result in run_scenarios(self.client, orders, 'NO-SUCH-ORDER'):
            with self.subTest(step=result.step, description=result.description):
                self.assertAnswer(result.response, result.expected)
        self.assertEqual(self._get_tx('ORDER-A').state, 'done')
        self.assertEqual(self._get_tx('ORDER-B').state, 'done')
        self.assertEqual(self._get_tx('ORDER-C').state, 'cancel')

    # === Through the payment framework's door === #

    @MUTE
    def test_callbacks_enter_through_the_door_and_get_the_code_decided_there(self):
        with self._door() as sources:
            prepared, completed = self._prepare_and_complete(self.tx)
            repeated = self.client.complete(self.tx.reference, self.tx.amount, self.tx.id,
                                            click_paydoc_id=int(self.tx.provider_reference))
            forged = self.client.prepare(self.tx.reference, self.tx.amount, sign_string=BAD_SIGN)
        self.assertEqual(sources, ['shop'] * 4)
        self.assertAnswer(prepared, ShopError.SUCCESS)
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertAnswer(repeated, ShopError.ALREADY_PAID)
        self.assertAnswer(forged, ShopError.SIGN_CHECK_FAILED)
        self.assertEqual(self.tx.state, 'done')

    # === Prepare === #

    @MUTE
    def test_prepare_keeps_the_transaction_draft_and_records_click_ids(self):
        """Prepare must not look like a received payment: no pending state, no e-mail, Pay Now stays."""
        response = self.client.prepare(self.tx.reference, self.tx.amount, click_trans_id=2854621,
                                       click_paydoc_id=1946296773)
        self.assertAnswer(response, ShopError.SUCCESS)
        self.assertEqual(response.body['merchant_prepare_id'], self.tx.id)
        self.assertEqual(response.body['click_trans_id'], 2854621)
        self.assertEqual(response.body['merchant_trans_id'], self.tx.reference)
        self.assertEqual(self.tx.state, 'draft')
        self.assertEqual(self.tx.click_trans_id, '2854621')
        self.assertEqual(self.tx.provider_reference, '1946296773')
        self.assertEqual(self.tx.click_merchant_prepare_id, self.tx.id)

    @MUTE
    def test_repeated_prepare_answers_the_same_prepare_id_and_remembers_the_last_attempt(self):
        first = self.client.prepare(self.tx.reference, self.tx.amount)
        second = self.client.prepare(self.tx.reference, self.tx.amount, click_trans_id=777000111)
        self.assertAnswer(second, ShopError.SUCCESS)
        self.assertEqual(first.body['merchant_prepare_id'], second.body['merchant_prepare_id'])
        self.assertEqual(self.tx.click_trans_id, '777000111')
        self.assertEqual(self.env['payment.transaction'].search_count([('reference', '=like', 'S00042%')]), 1)

    @MUTE
    def test_prepare_accepts_every_textual_form_of_the_amount(self):
        for text in ('15000', '15000.0', '15000.00'):
            with self.subTest(amount=text):
                self.assertAnswer(self.client.prepare(self.tx.reference, text), ShopError.SUCCESS)

    @MUTE
    def test_prepare_refuses_a_wrong_amount(self):
        self.assertAnswer(self.client.prepare(self.tx.reference, '14999.98'), ShopError.INCORRECT_AMOUNT)
        self.assertAnswer(self.client.prepare(self.tx.reference, '-15000'), ShopError.INCORRECT_AMOUNT)
        self.assertAnswer(self.client.prepare(self.tx.reference, '150000000000000'), ShopError.INCORRECT_AMOUNT)
        self.assertFalse(self.tx.click_trans_id)

    @MUTE
    def test_prepare_with_a_click_error_changes_nothing(self):
        response = self.client.prepare(self.tx.reference, self.tx.amount, error=-1, error_note='Card blocked')
        self.assertAnswer(response, ShopError.TRANSACTION_CANCELLED)
        self.assertEqual(self.tx.state, 'draft')
        self.assertFalse(self.tx.click_trans_id)

    @MUTE
    def test_prepare_after_payment_or_cancellation(self):
        self._prepare_and_complete(self.tx)
        self.assertAnswer(self.client.prepare(self.tx.reference, self.tx.amount), ShopError.ALREADY_PAID)
        cancelled = self._create_click_tx(reference='S00043')
        self._prepare_and_complete(cancelled, error=-5017, error_note='Payment cancelled')
        self.assertAnswer(self.client.prepare(cancelled.reference, cancelled.amount),
                          ShopError.TRANSACTION_CANCELLED)

    @MUTE
    def test_unknown_action(self):
        form = self.client.build_form('2', self.tx.reference, self.tx.amount)
        self.assertAnswer(self.client.send(form, self._build_url(ClickController._prepare_url)),
                          ShopError.ACTION_NOT_FOUND)

    # === Complete === #

    @MUTE
    def test_complete_confirms_the_payment_and_schedules_the_accounting(self):
        post_processing = self.env.ref('payment.cron_post_process_payment_tx')
        triggers = self.env['ir.cron.trigger'].search([('cron_id', '=', post_processing.id)])
        _prepared, completed = self._prepare_and_complete(self.tx)
        self.assertAnswer(completed, ShopError.SUCCESS)
        self.assertEqual(completed.body['merchant_confirm_id'], self.tx.id)
        self.assertEqual(self.tx.state, 'done')
        self.assertEqual(self.tx.provider_reference, completed.form['click_paydoc_id'])
        self.assertGreater(
            self.env['ir.cron.trigger'].search([('cron_id', '=', post_processing.id)]) - triggers,
            self.env['ir.cron.trigger'],
            "the payment is created by the cron even if the customer never comes back",
        )

    @MUTE
    def test_a_burst_of_completes_shares_its_triggers(self):
        cron = self.env.ref('payment.cron_post_process_payment_tx')

        def triggers():
            return self.env['ir.cron.trigger'].search([('cron_id', '=', cron.id)])

        before = triggers()
        self._prepare_and_complete(self.tx)
        first = triggers() - before
        now = fields.Datetime.now()
        later = first.filtered(lambda trigger: trigger.call_at > now + const.POST_PROCESSING_TRIGGER_MARGIN)
        self.assertEqual(len(first), 2, "now, and at the end of the span")
        self.assertEqual(len(later), 1)

        second = self._create_click_tx(reference='S00044')
        self.assertAnswer(self._prepare_and_complete(second)[1], ShopError.SUCCESS)
        self.assertEqual(triggers() - before, first, "the next payment relies on the later trigger")
        # A run of the cron that began before the second payment was committed ends as
        # ir.cron._reschedule_later does: it deletes the triggers due before it began.
        self.env.cr.execute(SQL("DELETE FROM ir_cron_trigger WHERE cron_id = %s AND call_at < %s", cron.id, now))
        self.assertTrue(later.exists(), "the trigger the second payment relies on is left to a later run")

        later.call_at = now + const.POST_PROCESSING_TRIGGER_MARGIN - timedelta(seconds=1)  # the span ends
        self._prepare_and_complete(self._create_click_tx(reference='S00045'))
        self.assertEqual(len(triggers() - before - first), 2, "a new span: triggered again")

    def test_the_secret_never_reaches_the_logs(self):
        # logging.INFO, not 'INFO': Odoo gives that name to its RUNBOT level.
        with self.assertLogs('odoo.addons.payment_click', level=logging.INFO) as logs:
            prepared, completed = self._prepare_and_complete(self.tx)
            refused = self.client.prepare(self.tx.reference, self.tx.amount, sign_string=BAD_SIGN)
        self.assertEqual([prepared.error, completed.error, refused.error],
                         [ShopError.SUCCESS, ShopError.SUCCESS, ShopError.SIGN_CHECK_FAILED])
        output = '\n'.join(logs.output)
        self.assertIn(f"Click request for {self.tx.reference} answered 0", output)
        for secret in (self.click.click_secret_key, prepared.form['sign_string'], completed.form['sign_string']):
            self.assertNotIn(secret, output)

    @MUTE
    def test_complete_cancellation_keeps_clicks_reason(self):
        _prepared, completed = self._prepare_and_complete(self.tx, error=-5017, error_note='Insufficient funds')
        self.assertAnswer(completed, ShopError.TRANSACTION_CANCELLED)
        self.assertEqual(self.tx.state, 'cancel')
        self.assertIn('-5017', self.tx.state_message)
        self.assertIn('Insufficient funds', self.tx.state_message)

    @MUTE
    def test_cancellation_of_a_paid_transaction_is_refused_and_changes_nothing(self):
        prepared, _completed = self._prepare_and_complete(self.tx)
        cancel = self.client.complete(self.tx.reference, self.tx.amount, prepared.body['merchant_prepare_id'],
                                      error=-1, error_note='Cancel')
        self.assertAnswer(cancel, ShopError.ALREADY_PAID)
        self.assertEqual(self.tx.state, 'done')

    @MUTE
    def test_complete_without_prepare_or_with_a_foreign_prepare_id(self):
        self.assertAnswer(self.client.complete(self.tx.reference, self.tx.amount, self.tx.id),
                          ShopError.TRANSACTION_DOES_NOT_EXIST)
        other = self._create_click_tx(reference='S00044')
        self.client.prepare(self.tx.reference, self.tx.amount)
        self.client.prepare(other.reference, other.amount)
        self.assertAnswer(self.client.complete(self.tx.reference, self.tx.amount, other.id),
                          ShopError.TRANSACTION_DOES_NOT_EXIST)
        self.assertEqual(self.tx.state, 'draft')

    # === Who is calling === #

    @MUTE
    def test_wrong_service_id_is_a_bad_request(self):
        response = self.client.prepare(self.tx.reference, self.tx.amount, service_id='54321')
        self.assertAnswer(response, ShopError.BAD_REQUEST)

    @MUTE
    def test_wrong_signature(self):
        self.assertAnswer(self.client.prepare(self.tx.reference, self.tx.amount, sign_string=BAD_SIGN),
                          ShopError.SIGN_CHECK_FAILED)
        self.assertAnswer(self.client.prepare('NO-SUCH-ORDER', self.tx.amount, sign_string=BAD_SIGN),
                          ShopError.SIGN_CHECK_FAILED, )

    @MUTE
    def test_two_providers_in_two_companies(self):
        company_2 = self.env['res.company'].create({'name': "Second shop", 'currency_id': self.currency.id})
        click_2 = self._prepare_provider('click', company=company_2, update_values={
            'click_service_id': '67890', 'click_secret_key': 'SECOND_SECRET',
        })
        self.assertNotEqual(click_2, self.click)
        tx_2 = self._create_click_tx(reference='SHOP2-1', provider_id=click_2.id)
        client_2 = self._click_client(click_2)
        self.assertAnswer(client_2.prepare(tx_2.reference, tx_2.amount), ShopError.SUCCESS)
        # Each provider answers for its own transactions, signed with its own key.
        self.assertAnswer(client_2.prepare(self.tx.reference, self.tx.amount), ShopError.USER_DOES_NOT_EXIST)
        self.assertAnswer(self.client.prepare(tx_2.reference, tx_2.amount), ShopError.USER_DOES_NOT_EXIST)
        forged = client_2.build_form('0', tx_2.reference, tx_2.amount)
        forged['sign_string'] = self.client.build_form('0', tx_2.reference, tx_2.amount, service_id='67890',
                                                       click_trans_id=forged['click_trans_id'],
                                                       click_paydoc_id=forged['click_paydoc_id'],
                                                       sign_time=forged['sign_time'])['sign_string']
        self.assertAnswer(self.client.send(forged), ShopError.SIGN_CHECK_FAILED)

    # === Malformed input: never a 500, never HTML === #

    @MUTE
    def test_malformed_requests_get_documented_codes(self):
        url = self._build_url(ClickController._complete_url)
        good = self.client.build_form('1', self.tx.reference, self.tx.amount, merchant_prepare_id=self.tx.id)

        def resigned(**changes):
            """A correctly signed Complete carrying ``changes``."""
            values = {'merchant_trans_id': self.tx.reference, 'amount': self.tx.amount,
                      'merchant_prepare_id': self.tx.id, **changes}
            return self.client.build_form('1', values.pop('merchant_trans_id'), values.pop('amount'), **values)

        cases = [
            ("no field at all", {}, ShopError.BAD_REQUEST),
            ("missing sign_string", {k: v for k, v in good.items() if k != 'sign_string'}, ShopError.BAD_REQUEST),
            ("missing merchant_prepare_id", {k: v for k, v in good.items() if k != 'merchant_prepare_id'},
             ShopError.BAD_REQUEST),
            ("non-numeric service_id", dict(good, service_id='abc'), ShopError.BAD_REQUEST),
            ("huge service_id", dict(good, service_id='9' * 40), ShopError.BAD_REQUEST),
            ("negative service_id", dict(good, service_id='-12345'), ShopError.BAD_REQUEST),
            ("non-numeric click_trans_id", resigned(click_trans_id='abc'), ShopError.BAD_REQUEST),
            ("huge click_paydoc_id", resigned(click_paydoc_id='9' * 25), ShopError.BAD_REQUEST),
            ("amount in words", resigned(amount='fifteen'), ShopError.BAD_REQUEST),
            ("amount in exponent form", resigned(amount='1.5e4'), ShopError.BAD_REQUEST),
            ("non-numeric error", resigned(error='oops'), ShopError.BAD_REQUEST),
            ("NUL byte in the reference", dict(good, merchant_trans_id='S00042\x00-1'), ShopError.BAD_REQUEST),
            ("Cyrillic reference", resigned(merchant_trans_id='Заказ-1'), ShopError.USER_DOES_NOT_EXIST),
            ("very long reference", dict(good, merchant_trans_id='X' * 5000), ShopError.BAD_REQUEST),
            ("huge merchant_prepare_id", resigned(merchant_prepare_id='9' * 19), ShopError.TRANSACTION_DOES_NOT_EXIST),
            ("wrong signature", dict(good, sign_string='x'), ShopError.SIGN_CHECK_FAILED),
        ]
        for description, form, code in cases:
            with self.subTest(description):
                self.assertAnswer(self.client.send(form, url), code)
        self.assertEqual(self.tx.state, 'draft')

    @MUTE
    def test_raw_bodies_that_are_not_forms(self):
        url = self._build_url(ClickController._prepare_url)
        form = self.client.build_form('0', self.tx.reference, self.tx.amount)
        responses = {
            "GET with the fields in the query": self.opener.get(url, params=form),
            "JSON body": self.opener.post(url, data=json.dumps(form), headers={'Content-Type': 'application/json'}),
            "bytes that are not UTF-8": self.opener.post(
                url, data=b'click_trans_id=\xff\xfe&action=0',
                headers={'Content-Type': 'application/x-www-form-urlencoded'}),
            "form declared as latin-1": self.opener.post(
                url, data='merchant_trans_id=caf\xe9'.encode('latin-1'),
                headers={'Content-Type': 'application/x-www-form-urlencoded; charset=latin-1'}),
        }
        for description, response in responses.items():
            with self.subTest(description):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.headers['Content-Type'], 'application/json; charset=utf-8')
                self.assertEqual(response.json()['error'], ShopError.BAD_REQUEST)

    @MUTE
    def test_a_single_url_serves_both_actions(self):
        """Click may be given the same URL for Prepare and Complete; the action decides."""
        prepare_url = self._build_url(ClickController._prepare_url)
        prepared = self.client.send(self.client.build_form('0', self.tx.reference, self.tx.amount), prepare_url)
        completed = self.client.send(self.client.build_form(
            '1', self.tx.reference, self.tx.amount, merchant_prepare_id=prepared.body['merchant_prepare_id'],
        ), prepare_url)
        self.assertAnswer(completed, ShopError.SUCCESS)
