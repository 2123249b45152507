"""What a visitor of the Russian site reads comes in Russian: the site's language, chosen by the page's
address or the ``frontend_lang`` cookie, not the browser session's nor the customer's."""
from odoo.tests import tagged

from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import CARD, MUTE, ClickCardCommon, ClickShopCommon


def activate_russian(env):
    """The website in English and Russian, with this module's Russian translations loaded."""
    russian = env['res.lang']._activate_lang('ru_RU')
    env['ir.module.module']._load_module_terms(['payment_click'], ['ru_RU'], overwrite=True)
    env['website'].search([]).language_ids |= russian
    return russian


@tagged('post_install', '-at_install')
class TestVisitorLanguage(ClickCardCommon):
    """The payment form's calls answer in the site's language; this browser's session speaks English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_russian(cls.env)

    def setUp(self):
        super().setUp()
        self.opener.cookies.set('frontend_lang', 'ru_RU')  # as set by any page of /ru/

    @MUTE
    def test_the_card_forms_refusals_come_in_russian(self):
        reference = self._checkout()['reference']
        self.assertEqual(self._request_token(reference, card_number='8600 1234'),
                         "Проверьте номер карты: у карт Uzcard и Humo 16 цифр.")
        self._request_token(reference, CARD)
        self.assertIn("Click не принял код", self._verify(reference, sms_code='99999'))

    @MUTE
    def test_the_click_app_refusal_comes_in_russian(self):
        values = self._get_processing_values(**self._prepare_transaction_values(
            self.env.ref('payment_click.payment_method_click_app').id, None, 'direct',
        ))
        message = self._call(ClickController._invoice_url, reference=values['reference'], phone='+7 912 345 67 89')
        self.assertIn("Счета Click отправляются только на узбекские мобильные номера", message)


@tagged('post_install', '-at_install', 'is_tour')
class TestRussianCheckout(ClickShopCommon):
    """The Russian site, paid in each of Click's ways in a browser: Russian texts, and no ERROR logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_russian(cls.env)
        cls.click.allow_tokenization = True

    def _pay(self, tour):
        with self.assertNoLogs('odoo', 'ERROR'):
            self.start_tour('/ru/shop?search=Click%20Test%20Tea', tour, login='admin')
        txs = self.env['payment.transaction'].search([('provider_id', '=', self.click.id), ('state', '=', 'done')])
        self.assertTrue(txs)
        self.assertEqual(set(txs.sale_order_ids.mapped('state')), {'sale'})
        return txs

    def test_redirect(self):
        self.assertEqual(self._pay('payment_click_ru_redirect').operation, 'online_redirect')

    def test_inline(self):
        self.click.click_payment_window = 'inline'
        self.assertEqual(self._pay('payment_click_ru_inline').operation, 'online_direct')

    def test_click_app(self):
        self.assertEqual(self._pay('payment_click_ru_app').click_invoice_phone, '998901234567')

    def test_new_card_then_saved_card(self):
        txs = self._pay('payment_click_ru_card').sorted('id')
        self.assertEqual(txs.mapped('operation'), ['online_direct', 'online_token'])
