from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.payment_click import const
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.tests.common import ClickCommon


@tagged('post_install', '-at_install')
class TestPaymentTransaction(ClickCommon):

    def _redirect_form(self, tx):
        return self._extract_values_from_html_form(tx._get_processing_values()['redirect_form_html'])

    def test_button_sends_every_parameter_as_a_hidden_input(self):
        tx = self._create_click_tx(amount=1111.1)
        form = self._redirect_form(tx)
        self.assertEqual(form['method'], 'get')
        return_url = form['inputs'].pop('return_url')
        self.assertEqual(form['inputs'], {
            'service_id': '12345',
            'merchant_id': '4600',
            'merchant_user_id': '4321',
            'amount': '1111.10',
            'transaction_param': tx.reference,
        })
        # Signed with an expiry: TestReturnFromClick checks the token.
        self.assertTrue(return_url.startswith(
            f'{self.click.get_base_url()}{ClickController._return_url}?reference={tx.reference}&expires='
        ), return_url)

    def test_test_mode_leads_to_the_emulator_and_live_mode_to_click(self):
        tx = self._create_click_tx()
        self.assertEqual(self._redirect_form(tx)['action'],
                         self.click.get_base_url() + ClickEmulatorController._payment_page_url)
        self.click.state = 'enabled'
        self.assertEqual(self._redirect_form(tx)['action'], const.PAYMENT_PAGE_URL)

    def test_card_type_restriction(self):
        self.click.click_accepted_cards = 'humo'
        self.assertEqual(self._redirect_form(self._create_click_tx())['inputs']['card_type'], 'humo')

    def test_references_are_safe_as_transaction_param(self):
        """Invoice names, spaces and accents become letters, digits and dashes; no clash."""
        compute = self.env['payment.transaction']._compute_reference
        self.assertEqual(compute('click', prefix='INV/2025/00012'), 'INV-2025-00012')
        self.assertEqual(compute('click', prefix='Café order #7'), 'Cafe-order-7')
        self._create_click_tx(reference='INV-2025-00012')
        self.assertEqual(compute('click', prefix='INV/2025/00012'), 'INV-2025-00012-1')
        self.assertRegex(compute('click', prefix='/// ***'), r'^tx-\d+$')

    def test_support_finds_a_payment_by_clicks_numbers(self):
        search_view = self.env['payment.transaction'].get_views([(False, 'search')])['views']['search']['arch']
        for field_name in ('provider_reference', 'click_trans_id'):
            self.assertIn(f'name="{field_name}"', search_view)
        list_view = self.env['payment.transaction'].get_views([(False, 'list')])['views']['list']['arch']
        self.assertIn('name="click_trans_id"', list_view)

    def test_stale_prepared_payments_filter(self):
        """Prepared over an hour ago and never completed: the lost Completes to chase."""
        stale = self._create_click_tx(reference='STALE', click_trans_id='1',
                                      click_prepare_date=datetime.now() - timedelta(hours=2))
        self._create_click_tx(reference='FRESH', click_trans_id='2', click_prepare_date=datetime.now())
        self._create_click_tx(reference='DONE', click_trans_id='3', state='done',
                              click_prepare_date=datetime.now() - timedelta(hours=2))
        views = self.env['payment.transaction'].get_views([(False, 'search')])
        arch = etree.fromstring(views['views']['search']['arch'])
        domain = arch.xpath("//filter[@name='click_stale_prepared']")[0].get('domain')
        # The web client's datetime has to_utc(); the server runs in UTC.
        now = type('Now', (datetime,), {'to_utc': lambda self: self})
        module = type('datetime', (), {'datetime': now})
        domain = safe_eval(domain, {'datetime': module, 'relativedelta': relativedelta})
        self.assertEqual(self.env['payment.transaction'].search(domain + [('provider_id', '=', self.click.id)]), stale)
