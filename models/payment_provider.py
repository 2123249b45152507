import re

from werkzeug.urls import url_join

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import hmac, ormcache

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import deployment, merchant, self_test
from odoo.addons.payment_click.controllers.main import ClickController
from odoo.addons.payment_click.controllers.self_test import ClickSelfTestController


class PaymentProvider(models.Model):
    _inherit = 'payment.provider'

    code = fields.Selection(selection_add=[('click', "Click")], ondelete={'click': 'set default'})
    click_merchant_id = fields.Char(
        string="Merchant ID",
        help="The merchant_id Click gave you, as shown in Click's merchant cabinet.",
        required_if_provider='click',
        groups='base.group_system',
    )
    click_service_id = fields.Char(
        string="Service ID",
        help="The service_id of this shop in Click. Click's calls are routed to the provider "
             "holding it.",
        required_if_provider='click',
        groups='base.group_system',
    )
    click_merchant_user_id = fields.Char(
        string="Merchant User ID",
        help="The merchant_user_id of your Click API user.",
        required_if_provider='click',
        groups='base.group_system',
    )
    click_secret_key = fields.Char(
        string="Secret Key",
        help="The secret_key Click gave you; it signs every call between Click and Odoo.",
        required_if_provider='click',
        groups='base.group_system',
    )
    click_accepted_cards = fields.Selection(
        string="Accepted Cards",
        help="Restrict the cards Click offers to the customer.",
        selection=const.ACCEPTED_CARDS,
        default='any',
        required=True,
    )
    click_payment_window = fields.Selection(
        string="Payment Window", selection=const.PAYMENT_WINDOWS, default='redirect', required=True,
        help="Inline opens Click's payment window on the shop's page instead of leaving for Click's "
             "page; if the customer's browser cannot load Click's script, the page is used.",
    )
    click_prepare_url = fields.Char(
        string="Prepare URL", compute='_compute_click_callback_urls',
        help="Paste it into Click's merchant cabinet.",
    )
    click_complete_url = fields.Char(
        string="Complete URL", compute='_compute_click_callback_urls',
        help="Paste it into Click's merchant cabinet.",
    )

    click_callback_warning = fields.Char(
        string="Callback URL Warning", compute='_compute_click_callback_urls',
    )

    click_sync_delay = fields.Integer(
        string="Ask Click After (minutes)", default=10, required=True,
        help="A payment Click announced (Prepare) but never completed is checked with Click's "
             "Merchant API once it is this old, in case its Complete was lost.",
    )
    click_partial_refund = fields.Boolean(
        string="Allow Partial Reversals",
        help="Refund part of a Click payment through Click's partial reversal. Click's own "
             "documentation does not describe it: turn it on only once Click confirms your service "
             "supports it. Otherwise Click payments are refunded in full only.",
    )
    click_return_link_days = fields.Integer(
        string="Return Link Valid For (days)", default=const.RETURN_LINK_DAYS, required=True,
        help="The link Click sends the customer back with shows the payment's state in any browser, "
             "the Click app's included, for this many days after the payment starts.",
    )
    click_visitor_hourly_limit = fields.Integer(
        string="Visitor Requests an Hour", default=const.THROTTLE_DEFAULT_PER_PROVIDER, required=True,
        help="At most this many SMS codes and Click invoices, all visitors together, that checkout asks "
             "Click to send within an hour. Each card or phone number, and each browser session, also "
             "gets a few an hour at most.",
    )

    # === COMPUTE METHODS === #

    @api.depends('code', 'click_partial_refund')
    def _compute_feature_support_fields(self):  # pylint: disable=missing-return  # computes return nothing
        """Override of `payment` to refund through Click's reversal and to save Click cards as tokens
        (SPEC §7.5.7-10)."""
        super()._compute_feature_support_fields()
        for provider in self.filtered(lambda p: p.code == 'click'):
            provider.support_refund = 'partial' if provider.click_partial_refund else 'full_only'
            provider.support_tokenization = True

    def _compute_click_callback_urls(self):
        for provider in self:
            base_url = provider.get_base_url()
            provider.click_prepare_url = url_join(base_url, ClickController._prepare_url)
            provider.click_complete_url = url_join(base_url, ClickController._complete_url)
            provider.click_callback_warning = messages.callback_warning(
                self.env, deployment.callback_url_problems(provider.click_prepare_url)
            )

    # === CONSTRAINT METHODS === #

    @api.constrains('click_merchant_id', 'click_service_id', 'click_merchant_user_id')
    def _check_click_ids_are_numbers(self):
        for provider in self.sudo().filtered(lambda p: p.code == 'click'):
            for field_name in ('click_merchant_id', 'click_service_id', 'click_merchant_user_id'):
                value = provider[field_name]
                if value and not re.fullmatch(r'[1-9]\d{0,18}', value):
                    raise ValidationError(_(
                        "Click: the %(field)s must be a positive whole number, as Click's merchant "
                        "cabinet shows it (got \"%(value)s\").",
                        field=provider._fields[field_name].get_description(self.env)['string'],
                        value=value,
                    ))

    @api.constrains('click_return_link_days')
    def _check_click_return_link_days(self):
        if any(provider.click_return_link_days < 1 for provider in self if provider.code == 'click'):
            raise ValidationError(_("Click: the return link must stay valid for at least one day."))

    @api.constrains('click_service_id', 'state', 'code')
    def _check_click_service_id_is_unique(self):
        for provider in self.sudo().filtered(lambda p: p.code == 'click' and p.state != 'disabled'):
            if provider.click_service_id and self.sudo().search_count([
                ('id', '!=', provider.id),
                ('code', '=', 'click'),
                ('state', '!=', 'disabled'),
                ('click_service_id', '=', provider.click_service_id),
            ], limit=1):
                raise ValidationError(_(
                    "Click: another active Click provider already uses the Service ID %s. Click "
                    "routes its calls by Service ID, so each provider needs its own.",
                    provider.click_service_id,
                ))

    # === BUSINESS METHODS === #

    def _get_supported_currencies(self):
        """Override of `payment` to offer Click for Uzbek so'm only."""
        supported_currencies = super()._get_supported_currencies()
        if self.code == 'click':
            supported_currencies = supported_currencies.filtered(lambda c: c._click_is_supported())
        return supported_currencies

    def _get_default_payment_method_codes(self):
        """Override of `payment` to return the default payment method codes."""
        default_codes = super()._get_default_payment_method_codes()
        if self.code != 'click':
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES

    def _click_get_payment_page_url(self):
        """Click's payment page, or the module's emulator of it while in test mode."""
        self.ensure_one()
        if self.state == 'enabled':
            return const.PAYMENT_PAGE_URL
        return url_join(self.get_base_url(), const.EMULATOR_PAYMENT_PAGE_URL)

    def _click_get_checkout_script_url(self):
        """Click's checkout.js for the inline window, or the emulator's version of it in test mode."""
        self.ensure_one()
        return const.CHECKOUT_SCRIPT_URL if self.state == 'enabled' else const.EMULATOR_CHECKOUT_SCRIPT_URL

    def _click_get_merchant_client(self, timeout=const.MERCHANT_API_TIMEOUT):
        """The Merchant API client of this provider: Click's API, or the emulator's in test mode."""
        self.ensure_one()
        provider = self.sudo()
        if provider.state == 'enabled':
            base_url = merchant.PRODUCTION_BASE_URL
        else:
            base_url = url_join(provider.get_base_url(), const.EMULATOR_MERCHANT_API_URL)
        return merchant.MerchantClient(
            provider.click_service_id, provider.click_merchant_user_id, provider.click_secret_key,
            base_url=base_url, timeout=timeout,
        )

    @api.model
    def _click_find_by_service_id(self, service_id):
        """Return the Click providers answering for ``service_id``, enabled ones first."""
        return self.sudo().browse(self._click_ids_by_service_id(str(service_id)))

    @api.model
    @ormcache('service_id')
    def _click_ids_by_service_id(self, service_id):
        """The ids ``_click_find_by_service_id`` returns, kept in the ORM cache: every callback looks
        them up, and any change to a provider's code, service or state clears it (``write``)."""
        return tuple(self.sudo().search(
            [('code', '=', 'click'), ('click_service_id', '=', service_id)], order='state desc, id',
        ).ids)

    @api.model_create_multi
    def create(self, vals_list):
        """Override of `payment` to clear the providers' lookup by service (``_click_ids_by_service_id``)."""
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        """Override of `payment` to clear the providers' lookup by service when what it reads changes."""
        if {'code', 'click_service_id', 'state'} & vals.keys():
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        """Override of `payment` to clear the providers' lookup by service (``_click_ids_by_service_id``)."""
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _click_provider_for(self, companies):
        """The Click provider the counter's wizards charge through for ``companies``: the first enabled
        one, else the first in test mode; empty if none."""
        return self.sudo().search([
            ('code', '=', 'click'), ('state', 'in', ('enabled', 'test')), ('company_id', 'in', companies.ids),
        ], order='state, sequence, id', limit=1)  # 'enabled' sorts before 'test'

    # === BUSINESS METHODS - GO-LIVE SELF-TEST === #

    click_self_test_ids = fields.One2many(
        string="Click Self-Tests", comodel_name='payment.click.self.test', inverse_name='provider_id',
        groups='base.group_system',
    )
    click_last_self_test_id = fields.Many2one(
        string="Last Self-Test", comodel_name='payment.click.self.test', compute='_compute_click_last_self_test_id',
        groups='base.group_system',
    )
    click_self_test_check_ids = fields.One2many(
        string="Deployment Checks", comodel_name='payment.click.self.test.check',
        compute='_compute_click_last_self_test_id', groups='base.group_system',
    )

    @api.depends('click_self_test_ids.check_ids')
    def _compute_click_last_self_test_id(self):
        for provider in self:
            provider.click_last_self_test_id = provider.click_self_test_ids[:1]  # newest first
            provider.click_self_test_check_ids = provider.click_last_self_test_id.check_ids

    def action_click_self_test(self):
        """Check the deployment and play Click's fifteen scenarios against the public URLs; show the report."""
        self.ensure_one()
        if self.code != 'click' or self.state == 'disabled':
            raise UserError(_("Only a Click provider in test mode or enabled can play Click's scenarios."))
        return self.env['payment.click.self.test']._run(self).action_open()

    def _click_self_test_client(self):
        """A client playing Click towards this provider's public URLs, signed with its secret key."""
        self.ensure_one()
        return self_test.SelfTestClient(
            self.click_prepare_url, self.click_complete_url, self.click_service_id, self.click_secret_key,
            timeout=const.SELF_TEST_TIMEOUT,
        )

    def _click_deployment_checks(self, client):
        """Check what most often keeps Click's calls from reaching this provider.

        Two calls go to this server through ``client``, as Click's would: one at ``web.base.url``, the
        public address, to see whether it leads to this Odoo and whether Odoo sees it so; one at the
        Prepare URL's address, to see whether it reaches this database.

        :return: one ``{'code', 'passed', 'advice'}`` per check of ``const.SELF_TEST_CHECKS``; the advice of
            a failed check is a code and its values (``messages.self_test_advice`` words it
            in the reader's language), False for a check that passed
        """
        self.ensure_one()
        public_url = self.env['ir.config_parameter'].sudo().get_param('web.base.url')
        callback_url = url_join(self.click_prepare_url, '/')
        public_echo, public_problem = self._click_probe_echo(client, public_url)
        callback_echo, callback_problem = (public_echo, public_problem) \
            if deployment.same_origin(callback_url, public_url) else self._click_probe_echo(client, callback_url)
        outcomes = dict(self._click_settings_checks(), **self._click_telegram_checks(), **{
            'base_url': (public_echo, public_problem and dict(public_problem, key='base_url')),
            'proxy_mode': (
                public_echo and deployment.same_origin(public_echo['url_root'], public_url),
                {'key': 'proxy_mode', 'public': public_url, 'seen': public_echo['url_root']} if public_echo
                else {'key': 'proxy_mode_unchecked'},
            ),
            'database': (
                callback_echo and callback_echo['database'] == self._click_database_token(),
                callback_problem or {'key': 'database', 'url': callback_url, 'db': self.env.cr.dbname},
            ),
        })
        checks = []
        for code, _label in const.SELF_TEST_CHECKS:
            passed, advice = outcomes[code]
            checks.append({'code': code, 'passed': bool(passed), 'advice': False if passed else advice})
        return checks

    def _click_settings_checks(self):
        """The checks that read this database's settings only, as they stand now.

        :return: ``{code: (passed, advice)}``, the advice as ``_click_deployment_checks`` gives it
        """
        self.ensure_one()
        missing = [name for name in (
            'click_merchant_id', 'click_service_id', 'click_merchant_user_id', 'click_secret_key',
        ) if not self[name]]
        key = self.click_secret_key or ''
        problems = deployment.callback_url_problems(self.click_prepare_url)
        return {
            'callback_urls': (not problems, {'key': 'callback_urls', 'problems': problems}),
            'base_url_frozen': (
                bool(self.env['ir.config_parameter'].sudo().get_param('web.base.url.freeze')),  # as res.users reads it
                {'key': 'base_url_frozen'},
            ),
            'credentials': (
                not missing and key == key.strip(),
                {'key': 'credentials', 'missing': missing} if missing else {'key': 'key_spaces'},
            ),
            'currency': (self.env.ref('base.UZS').active, {'key': 'currency'}),
            'journal': (bool(self.journal_id), {'key': 'journal'}),
            'published': (self.is_published, {'key': 'published'}),
        }

    @api.model
    def _click_probe_echo(self, client, base_url):
        """Ask the echo route at ``base_url`` how the call arrived.

        :return: the echo, or None and why the route could not be asked (an advice: the address, and the
            cause with what came instead)
        """
        probe = client.probe(url_join(base_url, ClickSelfTestController._echo_url))
        if echo := self_test.read_echo(probe):
            return echo, None
        cause = self_test.delivery_problem(probe) or self_test.Cause.NOT_CLICK
        cause = self.env['payment.click.self.test']._cause_code(cause)
        return None, {'key': 'probe', 'url': base_url, 'cause': cause, 'status': probe.status,
                      'text': probe.text[:const.SELF_TEST_RESPONSE_LENGTH]}

    @api.model
    def _click_database_token(self):
        """Tell this database apart from others on the same server without revealing its name."""
        return hmac(self.env(su=True), 'payment_click_self_test', self.env.cr.dbname)
