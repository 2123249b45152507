from odoo.exceptions import AccessError, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon


@tagged('post_install', '-at_install')
class TestPaymentProvider(ClickCommon):

    def test_offered_for_uzs_only(self):
        self.assertEqual(self.click.available_currency_ids, self.currency)
        providers = self.env['payment.provider']._get_compatible_providers(
            self.company.id, self.partner.id, self.amount, currency_id=self.currency_euro.id,
        )
        self.assertNotIn(self.click, providers)
        providers = self.env['payment.provider']._get_compatible_providers(
            self.company.id, self.partner.id, self.amount, currency_id=self.currency.id,
        )
        self.assertIn(self.click, providers)

    def test_enabling_activates_the_click_payment_methods(self):
        """Click's page (``click``), the invoice sent to the Click app (``click_app``) and a card saved
        as a Click card token (``click_card``)."""
        methods = self.click.payment_method_ids
        self.assertEqual(set(methods.mapped('code')), {'click', 'click_app', 'click_card'})
        self.assertTrue(all(methods.mapped('active')))
        self.assertEqual(self.click._get_default_payment_method_codes(), {'click', 'click_app', 'click_card'})
        self.assertTrue(self.click.support_tokenization)
        self.assertEqual(methods.filtered('support_tokenization').mapped('code'), ['click_card'])

    def test_the_counter_charges_through_the_first_enabled_provider_else_one_in_test(self):
        lookup = self.env['payment.provider']._click_provider_for
        self.assertEqual(self.click.state, 'test')
        self.assertEqual(lookup(self.company), self.click)
        enabled = self.click.copy({'click_service_id': '777', 'state': 'enabled', 'sequence': 99})
        self.assertEqual(lookup(self.company), enabled, "an enabled provider first, whatever its sequence")
        enabled.state = self.click.state = 'disabled'
        self.assertFalse(lookup(self.company), "a disabled provider charges nothing")
        self.assertFalse(lookup(self.env['res.company'].create({'name': "Other"})))

    def test_form_shows_the_cabinet_urls(self):
        base_url = self.click.get_base_url()
        self.assertEqual(self.click.click_prepare_url, base_url + ClickController._prepare_url)
        self.assertEqual(self.click.click_complete_url, base_url + ClickController._complete_url)

    def test_form_warns_when_click_cannot_reach_the_callback_urls(self):
        self.env['ir.config_parameter'].set_param('web.base.url', 'http://localhost:8069')
        self.click.invalidate_recordset(['click_callback_warning'])
        self.assertIn("not https", self.click.click_callback_warning)
        self.assertIn("private network", self.click.click_callback_warning)
        self.env['ir.config_parameter'].set_param('web.base.url', 'https://shop.example.uz')
        self.click.invalidate_recordset(['click_callback_warning'])
        self.assertFalse(self.click.click_callback_warning)
        self.assertEqual(self.click.click_prepare_url, 'https://shop.example.uz/payment/click/prepare')

    def test_credentials_are_for_system_admins_only(self):
        for field_name in ('click_merchant_id', 'click_service_id', 'click_merchant_user_id', 'click_secret_key'):
            self.assertEqual(self.click._fields[field_name].groups, 'base.group_system')
        accountant = self._create_new_internal_user(login='click_accountant', groups='account.group_account_manager')
        with self.assertRaises(AccessError):
            self.click.with_user(accountant).read(['click_secret_key'])

    def test_billing_users_read_no_payment_provider(self):
        """As in core, only system administrators read payment providers, Click's or any other."""
        other = self.env['payment.provider'].search([('code', '!=', 'click')], limit=1)
        self.assertTrue(other)
        billing = self._create_new_internal_user(login='click_billing', groups='account.group_account_invoice')
        for provider in (other, self.click):
            with self.subTest(provider=provider.code), self.assertRaises(AccessError):
                provider.with_user(billing).read(['name'])

    def test_ids_must_be_numbers(self):
        with self.assertRaisesRegex(ValidationError, "Service ID"):
            self.click.click_service_id = '12 345'

    def test_two_active_providers_cannot_share_a_service_id(self):
        with self.assertRaisesRegex(ValidationError, "12345"):
            self.click.copy({'state': 'test'})

    def test_neutralization_blanks_the_credentials(self):
        queries = '\n'.join(get_neutralization_queries(['payment_click']))
        self.env.cr.execute(queries)
        self.click.invalidate_recordset()
        for field_name in ('click_merchant_id', 'click_service_id', 'click_merchant_user_id', 'click_secret_key'):
            self.assertFalse(self.click[field_name])

    def test_russian_and_uzbek_translations(self):
        """Uzbek ships with the module, since Odoo has none, and both languages load."""
        field = self.env['ir.model.fields']._get('payment.provider', 'click_secret_key')
        for code, label in (('ru_RU', "Секретный ключ"), ('uz_UZ', "Maxfiy kalit")):
            with self.subTest(lang=code):
                self.env['res.lang']._activate_lang(code)
                self.env['ir.module.module']._load_module_terms(['payment_click'], [code], overwrite=True)
                self.assertEqual(field.with_context(lang=code).field_description, label)
