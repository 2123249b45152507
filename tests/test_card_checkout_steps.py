"""The card form in a browser: a new SMS code after wrong ones, and saving a card only once signed in."""
from werkzeug.urls import url_encode

from odoo.tests import tagged

from odoo.addons.payment_click.tests.common import MUTE, ClickShopCommon, capture_card_logs


@tagged('post_install', '-at_install', 'is_tour')
class TestCardCheckoutSteps(ClickShopCommon):

    def setUp(self):
        super().setUp()
        self.click.allow_tokenization = True
        self.logged = capture_card_logs(self)

    def _payment_link(self, partner):
        """The payment page of a payment link for ``partner``, as the merchant sends it."""
        amount, currency = 15000.0, self.currency
        return '/payment/pay?' + url_encode({
            'amount': amount, 'currency_id': currency.id, 'partner_id': partner.id,
            'access_token': self._generate_test_access_token(partner.id, amount, currency.id),
        })

    @MUTE
    def test_after_wrong_codes_the_customer_asks_for_a_new_one_and_pays(self):
        self.start_tour('/shop?search=Click%20Test%20Tea', 'payment_click_card_new_code', login='admin')
        tx = self.env['payment.transaction'].search([('provider_id', '=', self.click.id)])
        self.assertEqual(tx.state, 'done')
        self.assertEqual(len(self.env['payment.click.attempt'].search([])), 2, "both codes were counted")

    def test_guests_are_told_to_sign_in_to_save_a_card(self):
        self.start_tour(self._payment_link(self.partner), 'payment_click_card_guest')
        self.authenticate('admin', 'admin')
        page = self.url_open(self._payment_link(self.env.ref('base.user_admin').partner_id)).text
        self.assertIn('o_payment_tokenize_checkbox', page, "a signed-in customer may save the card")
        self.assertNotIn('o_click_sign_in_to_save', page)
