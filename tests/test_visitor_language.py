"""What a visitor of the Russian site reads comes in Russian: the site's language, chosen by the page's
address or the ``frontend_lang`` cookie, not the browser session's nor the customer's."""
from odoo.tests import tagged

from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.test_card_tokens import CARD, ClickCardCommon
from odoo.addons.payment_click.tests.test_click_invoices import MUTE


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
