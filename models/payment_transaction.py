import logging
import pprint
import re
import unicodedata

from werkzeug.urls import url_join

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import shop
from odoo.addons.payment_click.click_api.amounts import format_amount
from odoo.addons.payment_click.click_api.shop import Effect, ShopError, ShopRejection, TxStatus
from odoo.addons.payment_click.click_api.signing import signature_matches
from odoo.addons.payment_click.controllers.main import ClickController

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_trans_id = fields.Char(
        string="Click Transaction ID", readonly=True, copy=False,
        help="Click's id of the latest attempt to pay this transaction (click_trans_id).",
    )
    click_paydoc_id = fields.Char(
        string="Click Payment ID", compute='_compute_click_paydoc_id',
        help="Click's payment number (click_paydoc_id): the one in the payer's SMS and on Click's "
             "statements.",
    )
    click_merchant_prepare_id = fields.Integer(
        string="Merchant Prepare ID", compute='_compute_click_merchant_prepare_id',
        help="The merchant_prepare_id Odoo answered Click's Prepare with.",
    )

    # === COMPUTE METHODS === #

    @api.depends('provider_code', 'provider_reference')
    def _compute_click_paydoc_id(self):
        for tx in self:
            tx.click_paydoc_id = tx.provider_code == 'click' and tx.provider_reference

    @api.depends('click_trans_id')
    def _compute_click_merchant_prepare_id(self):
        for tx in self:
            tx.click_merchant_prepare_id = tx.id if tx.click_trans_id else 0

    # === BUSINESS METHODS - PAYMENT FLOW === #

    @api.model
    def _compute_reference(self, provider_code, prefix=None, separator='-', **kwargs):
        """Override of `payment` to keep Click references to letters, digits and ``_.-``.

        The reference travels as Click's ``transaction_param`` and comes back in the signed
        ``merchant_trans_id``; invoice names such as ``INV/2025/00001`` become ``INV-2025-00001``.
        """
        if provider_code == 'click':
            prefix = prefix or self.sudo()._compute_reference_prefix(provider_code, separator, **kwargs)
            prefix = unicodedata.normalize('NFKD', prefix).encode('ascii', 'ignore').decode()
            prefix = re.sub(const.UNSAFE_REFERENCE_CHARACTERS, '-', prefix).strip('-')
        return super()._compute_reference(provider_code, prefix=prefix, separator=separator, **kwargs)

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment` to fill the hidden inputs of Click's payment button (SPEC §5)."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != 'click':
            return res
        provider = self.provider_id
        url_params = {
            'service_id': provider.click_service_id,
            'merchant_id': provider.click_merchant_id,
            'amount': format_amount(self.amount),
            'transaction_param': self.reference,
            'return_url': url_join(provider.get_base_url(), ClickController._return_url),
            'merchant_user_id': provider.click_merchant_user_id,
        }
        if provider.click_card_type != 'any':
            url_params['card_type'] = provider.click_card_type
        return {'api_url': provider._click_get_payment_page_url(), 'url_params': url_params}

    def _create_payment(self, **extra_create_values):
        """Override of `account_payment` to put Click's ids in the memo of the payment."""
        if self.provider_code == 'click':
            extra_create_values.setdefault('memo', (
                f'{self.reference} - {self.partner_name} - '
                f'Click {self.click_paydoc_id} / {self.click_trans_id}'
            ))
        return super()._create_payment(**extra_create_values)

    # === BUSINESS METHODS - SHOP API === #

    @api.model
    def _click_handle_shop_request(self, pairs):
        """Answer one Prepare or Complete from Click (SPEC §2.12).

        :param list pairs: every ``(name, value)`` of the posted form, as received
        :return: the JSON answer for Click
        :rtype: dict
        """
        received = dict(pairs)
        _logger.info(
            "Notification received from Click with data:\n%s",
            pprint.pformat({k: v[:200] for k, v in received.items() if k != 'sign_string'}),
        )
        try:
            fields_ = shop.collect_fields(pairs)
            providers = self._click_signing_providers(fields_)
            request_ = shop.parse_request(fields_)
            tx = self._click_lock_transaction(request_.merchant_trans_id, providers)
            decision = shop.decide(request_, tx._click_status(request_.action), tx.id, tx.amount)
            if decision.effect is not Effect.NONE:
                tx._click_apply_outcome(decision.effect, request_)
        except ShopRejection as rejection:
            _logger.warning(
                "Click request for %r answered %s: %s",
                received.get('merchant_trans_id'), int(rejection.code), rejection.reason,
            )
            return shop.build_answer(rejection.code, received)
        _logger.info("Click request for %s answered %s", tx.reference, int(decision.code))
        return shop.build_answer(decision.code, fields_, tx.id)

    @api.model
    def _click_signing_providers(self, fields_):
        """Return the providers of the request's service whose secret key signed it."""
        service_id = shop.read_id(fields_['service_id'])
        if service_id is None:
            raise ShopRejection(ShopError.BAD_REQUEST, "malformed service_id")
        providers = self.env['payment.provider']._click_find_by_service_id(service_id)
        if not providers:
            raise ShopRejection(ShopError.BAD_REQUEST, f"no Click provider has service_id {service_id}")
        signers = providers.filtered(
            lambda p: p.click_secret_key and signature_matches(fields_, p.click_secret_key)
        )
        if not signers:
            raise ShopRejection(ShopError.SIGN_CHECK_FAILED, "sign_string does not match")
        return signers

    @api.model
    def _click_lock_transaction(self, reference, providers):
        """Return the transaction ``reference`` of ``providers``, row-locked until commit.

        The lock makes simultaneous calls for one transaction take turns; under REPEATABLE READ
        the later one then fails to serialize and Odoo replays it, seeing the first one's outcome.
        """
        self.env.cr.execute(SQL(
            "SELECT id FROM payment_transaction WHERE reference = %s AND provider_id IN %s "
            "FOR NO KEY UPDATE",
            reference, tuple(providers.ids),
        ), log_exceptions=False)  # a serialization failure here is expected and replayed
        tx = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not tx:
            raise ShopRejection(ShopError.USER_DOES_NOT_EXIST, "no transaction has this reference")
        return tx

    def _click_status(self, action):
        """Where this transaction stands for a request of ``action``, in Click's terms."""
        self.ensure_one()
        if self.state == 'done':
            return TxStatus.PAID
        if self.state == 'cancel':
            return TxStatus.CANCELLED
        if action == shop.PREPARE:
            document_status = self._click_linked_documents_status()
            if document_status:
                return document_status
        return TxStatus.PREPARED if self.click_trans_id else TxStatus.NEW

    def _click_linked_documents_status(self):
        """Tell whether the invoices or orders this transaction pays are cancelled or paid.

        Prepare must refuse to take money for a cancelled document, or twice for the same one:
        another transaction paying the same documents for the same amount is already done, or
        every invoice is paid.
        """
        document_fields = [name for name in ('invoice_ids', 'sale_order_ids') if name in self._fields]
        documents = [self[name] for name in document_fields if self[name]]
        if any(all(doc.state == 'cancel' for doc in docs) for docs in documents):
            return TxStatus.CANCELLED
        if self.invoice_ids and all(
            inv.payment_state in ('paid', 'in_payment', 'reversed') for inv in self.invoice_ids
        ):
            return TxStatus.PAID
        for name in document_fields:
            if self[name] and self._click_done_siblings(name):
                return TxStatus.PAID
        return None

    def _click_done_siblings(self, documents_field):
        """Other done transactions paying exactly this one's documents, for the same amount."""
        documents = self[documents_field]
        return self.search([
            ('id', '!=', self.id), ('state', '=', 'done'), (documents_field, 'in', documents.ids),
        ]).filtered(lambda tx: tx[documents_field] == documents
                    and not tx.currency_id.compare_amounts(tx.amount, self.amount))

    def _click_apply_outcome(self, effect, request_):
        """Record Click's ids and move the transaction as ``effect`` says.

        :raise ShopRejection: -7 when Odoo refuses the change
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                click_ids = {
                    'click_trans_id': str(request_.click_trans_id),
                    'provider_reference': str(request_.click_paydoc_id),
                }
                if any(self[name] != value for name, value in click_ids.items()):
                    self.write(click_ids)
                if effect is Effect.CONFIRM:
                    self._set_done()
                    # Create and reconcile the payment soon, even if the customer never comes back.
                    self.env.ref('payment.cron_post_process_payment_tx')._trigger()
                elif effect is Effect.CANCEL:
                    self._set_canceled(state_message=_(
                        "Click cancelled the payment (error %(code)s: %(note)s).",
                        code=request_.error, note=request_.error_note,
                    ))
        except (UserError, ValidationError) as error:
            raise ShopRejection(ShopError.FAILED_TO_UPDATE, f"Odoo refused the update: {error}") from error
