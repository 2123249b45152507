"""Limits on what visitors make Click send: SMS codes to a card's owner, invoices to a phone.

Counted per card or phone number (a keyed hash), per browser session and per provider, before Click
is called, and refused in the same words whichever limit is reached, through the real routes.
"""
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.payment_click.click_api import throttle
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment_click.tests.common import (
    MUTE,
    PHONE,
    REFUSAL,
    ClickCardCommon,
    ClickInvoiceCommon,
    emulator_calls,
)

ANOTHER_CARD = '8600 0000 0000 0015'
MUTE_LIMITS = mute_logger('odoo.addons.payment_click.models.payment_click_attempt')


@tagged('post_install', '-at_install')
class TestCardCodeLimits(ClickCardCommon):

    def _guest_checkout(self):
        """A new visitor (a new browser session) paying an invoice of a new customer, as each guest checkout is."""
        self.authenticate(None, None)
        partner = self.env['res.partner'].create({'name': "Guest"})
        return self._checkout(invoice=self.init_invoice('out_invoice', partner=partner, amounts=[15000.0],
                                                        currency=self.currency, post=True))['reference']

    @MUTE_LIMITS
    def test_one_card_gets_five_codes_an_hour_whoever_asks(self):
        with emulator_calls('card_token/request') as calls:
            for _attempt in range(5):
                self.assertEqual(self._request_token(self._guest_checkout()).get('phone_number'), '99890***4567')
            self.assertIn(REFUSAL, self._request_token(self._guest_checkout()))
            self.assertEqual(calls(), 5, "the sixth request never reached Click")
            self.assertEqual(self._request_token(self._guest_checkout(), ANOTHER_CARD).get('phone_number'),
                             '99890***4567', "another card is not held back")
        attempts = self.env['payment.click.attempt'].search([])
        self.assertEqual(len(attempts), 6)
        self.assertNotIn('8600123456789012', ' '.join(attempts.mapped('subject_hash')), "only a keyed hash")

    @MUTE_LIMITS
    def test_one_browser_session_gets_five_codes_an_hour_whatever_the_card(self):
        reference = self._checkout()['reference']
        cards = ['8600 0000 0000 0023', '8600 0000 0000 0031', '8600 0000 0000 0049', '8600 0000 0000 0056',
                 '8600 0000 0000 0064']
        for card in cards:
            self.assertEqual(self._request_token(reference, card).get('phone_number'), '99890***4567')
        self.assertIn(REFUSAL, self._request_token(reference, ANOTHER_CARD))
        partner = self.env['res.partner'].create({'name': "Another customer"})
        other = self._checkout(invoice=self.init_invoice('out_invoice', partner=partner, amounts=[15000.0],
                                                         currency=self.currency, post=True))['reference']
        self.assertIn(REFUSAL, self._request_token(other, ANOTHER_CARD), "nor with another customer's payment")

    def test_after_three_wrong_codes_a_new_code_pays(self):
        """What "Send a new code" asks: the same card again, within the limits."""
        reference = self._checkout()['reference']
        self._request_token(reference)
        self._emulated_tokens().code_attempts = 3  # three wrong codes typed
        self.env.flush_all()
        self.assertIn("Too many wrong SMS codes: request a new code", self._verify(reference))
        self.assertEqual(self._request_token(reference).get('phone_number'), '99890***4567')
        self.assertEqual(len(self._emulated_tokens()), 1, "the old code's token is deleted at Click")
        self.assertEqual(self._verify(reference), {'status_url': '/payment/status'})
        self._assert_paid(self._tx(reference))

    @MUTE_LIMITS
    def test_the_provider_sets_its_own_ceiling_an_hour(self):
        self.click.click_visitor_hourly_limit = 2
        self.env.flush_all()
        self._request_token(self._guest_checkout())
        self._request_token(self._guest_checkout(), ANOTHER_CARD)
        self.assertIn(REFUSAL, self._request_token(self._guest_checkout(), '8600 0000 0000 0023'))

    def test_limits_count_the_last_hour(self):
        limits = throttle.Limits(per_subject=5, per_session=5, per_provider=200)
        self.assertIsNone(throttle.exceeded(limits, 4, 4, 199))
        self.assertEqual(throttle.exceeded(limits, 5, 0, 0), throttle.SUBJECT)
        self.assertEqual(throttle.exceeded(limits, 0, 5, 0), throttle.SESSION)
        self.assertEqual(throttle.exceeded(limits, 0, 0, 200), throttle.PROVIDER)
        self.assertNotEqual(throttle.keyed_hash('a', 'card', '1'), throttle.keyed_hash('b', 'card', '1'))


@tagged('post_install', '-at_install')
class TestInvoiceLimits(AccountPaymentCommon, ClickInvoiceCommon):
    """Invoices sent to the Click app from checkout: the same limits, per phone number."""

    def _send_from_checkout(self, phone=PHONE):
        """Start a new payment in this session, and send it to ``phone``: the answer, or the error message."""
        reference = self._get_processing_values(**self._prepare_transaction_values(
            self.env.ref('payment_click.payment_method_click_app').id, None, 'direct'))['reference']
        response = self.opener.post(self._build_url(ClickController._invoice_url), json={
            'id': 0, 'jsonrpc': '2.0', 'method': 'call', 'params': {'reference': reference, 'phone': phone},
        }).json()
        return response['error']['data']['message'] if 'error' in response else response['result']

    @MUTE
    @MUTE_LIMITS
    def test_one_phone_gets_five_invoices_an_hour_whoever_asks(self):
        with emulator_calls('invoice/create') as calls:
            for _attempt in range(5):
                self.authenticate(None, None)
                self.assertEqual(self._send_from_checkout('+998 90 123 45 67'), {'status_url': '/payment/status'})
            self.authenticate(None, None)
            self.assertIn(REFUSAL, self._send_from_checkout('90 123-45-67'), "whatever its spelling")
            self.assertEqual(calls(), 5)
        self.assertEqual(len(self.env['payment.click.emulator.invoice'].search([('phone_number', '=', PHONE)])), 5)

    @MUTE
    @MUTE_LIMITS
    def test_one_browser_session_sends_five_invoices_an_hour(self):
        for number in range(5):
            self.assertEqual(self._send_from_checkout(f'99890000000{number}'), {'status_url': '/payment/status'})
        self.assertIn(REFUSAL, self._send_from_checkout('998900000009'))
        self.assertFalse(self.env['payment.click.emulator.invoice'].search([('phone_number', '=', '998900000009')]))
