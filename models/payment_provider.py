import re

from werkzeug.urls import url_join

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import deployment, merchant
from odoo.addons.payment_click.controllers.emulator import ClickEmulatorController
from odoo.addons.payment_click.controllers.emulator_merchant import ClickMerchantEmulatorController
from odoo.addons.payment_click.controllers.main import ClickController


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
    click_card_type = fields.Selection(
        string="Accepted Cards",
        help="Restrict the cards Click offers to the customer.",
        selection=const.CARD_TYPES,
        default='any',
        required=True,
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
    click_emulator_fault = fields.Selection(
        string="Emulator Fault", selection=const.EMULATOR_FAULTS, default='none', required=True,
        help="Test mode only: make the Click emulator misbehave the way Click can, to see how Odoo "
             "copes.",
    )

    # === COMPUTE METHODS === #

    @api.depends('code', 'click_partial_refund')
    def _compute_feature_support_fields(self):
        """Override of `payment` to refund through Click's reversal."""
        super()._compute_feature_support_fields()
        for provider in self.filtered(lambda p: p.code == 'click'):
            provider.support_refund = 'partial' if provider.click_partial_refund else 'full_only'

    def _compute_click_callback_urls(self):
        messages = {
            deployment.NOT_HTTPS: _("they are not https"),
            deployment.NOT_PUBLIC: _("they point to this computer or to a private network"),
        }
        for provider in self:
            base_url = provider.get_base_url()
            provider.click_prepare_url = url_join(base_url, ClickController._prepare_url)
            provider.click_complete_url = url_join(base_url, ClickController._complete_url)
            problems = deployment.callback_url_problems(provider.click_prepare_url)
            provider.click_callback_warning = _(
                "Click cannot call these URLs: %(problems)s. Serve Odoo over HTTPS on its public "
                "address, start it with --proxy-mode, and set the web.base.url system parameter to "
                "that address (with web.base.url.freeze).",
                problems=_(" and ").join(messages[problem] for problem in problems),
            ) if problems else False

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
            supported_currencies = supported_currencies.filtered(
                lambda c: c.name in const.SUPPORTED_CURRENCIES
            )
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
        return url_join(self.get_base_url(), ClickEmulatorController._payment_page_url)

    def _click_get_merchant_client(self, timeout=const.MERCHANT_API_TIMEOUT):
        """The Merchant API client of this provider: Click's API, or the emulator's in test mode."""
        self.ensure_one()
        provider = self.sudo()
        if provider.state == 'enabled':
            base_url = merchant.PRODUCTION_BASE_URL
        else:
            base_url = url_join(provider.get_base_url(), ClickMerchantEmulatorController._base_url)
        return merchant.MerchantClient(
            provider.click_service_id, provider.click_merchant_user_id, provider.click_secret_key,
            base_url=base_url, timeout=timeout,
        )

    @api.model
    def _click_find_by_service_id(self, service_id):
        """Return the Click providers answering for ``service_id``, enabled ones first."""
        return self.sudo().search(
            [('code', '=', 'click'), ('click_service_id', '=', str(service_id))],
            order='state desc, id',
        )
