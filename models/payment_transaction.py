import logging
import pprint
import re
import time
import unicodedata
from datetime import timedelta
from urllib.parse import urlencode

import psycopg2
from markupsafe import Markup
from werkzeug.urls import url_join

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, format_amount
from odoo.tools.misc import hmac as hmac_tool

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import merchant, shop
from odoo.addons.payment_click.click_api.amounts import TOLERANCE, format_amount as click_amount, to_decimal
from odoo.addons.payment_click.click_api.shop import Alert, Effect, Kind, ShopError, ShopRejection, TxStatus
from odoo.addons.payment_click.click_api.merchant import MerchantApiError
from odoo.addons.payment_click.click_api.signing import signature_matches
from odoo.addons.payment_click.controllers.main import ClickController

_logger = logging.getLogger(__name__)
LOGGED_VALUE_LENGTH = 200


def _sign(move):
    """How a customer invoice (1) or credit note (-1) counts in what is owed."""
    return -1 if move.move_type == 'out_refund' else 1


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_trans_id = fields.Char(
        string="Click Transaction ID", readonly=True, copy=False,
        help="Click's id of the latest attempt to pay this transaction (click_trans_id), from its Prepare "
             "and Complete; a saved card's or CLICK Pass charge has none. Click's payment number "
             "(click_paydoc_id), the one in the payer's SMS, is the Provider Reference.",
    )
    click_prepare_date = fields.Datetime(
        string="Click Prepared On", readonly=True, copy=False,
        help="When Click last announced a payment attempt (Prepare) for this transaction.",
    )
    click_charge_date = fields.Datetime(
        string="Click Charged On", readonly=True, copy=False, index='btree_not_null',  # charges under way
        help="When Odoo asked Click to charge a saved card or a CLICK Pass for this transaction.",
    )
    click_merchant_prepare_id = fields.Integer(
        string="Merchant Prepare ID", compute='_compute_click_merchant_prepare_id',
        help="The merchant_prepare_id Odoo answered Click's Prepare with.",
    )
    click_invoice_id = fields.Char(
        string="Click Invoice ID", readonly=True, copy=False,
        help="Click's id of the invoice sent to the payer's phone, to be confirmed in the Click app.",
    )
    click_invoice_phone = fields.Char(
        readonly=True, copy=False,
        help="The Uzbek mobile number (998XXXXXXXXX) Click's invoice was sent to.",
    )
    click_received_message_due = fields.Boolean(
        readonly=True, copy=False,
        help="Click confirmed this payment of its own word: its post-processing posts the payment's message on "
             "the documents it pays.",
    )
    click_is_self_test = fields.Boolean(
        string="Click Self-Test", readonly=True, copy=False,
        help="Created by the Click provider's self-test to play Click's test scenarios. It pays nothing, "
             "leaves nothing in the books, and the transaction lists hide it by default.",
    )

    # === COMPUTE METHODS === #

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

    @api.model
    def _get_specific_create_values(self, provider_code, values):
        """Override of `payment` to refuse Click transactions in any currency but so'm."""
        res = super()._get_specific_create_values(provider_code, values)
        if provider_code == 'click':
            self._click_check_currency(self.env['res.currency'].browse(values.get('currency_id')))
        return res

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment` to fill the hidden inputs of Click's payment button (SPEC §5)."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != 'click':
            return res
        url_params = dict(self._click_payment_params(), return_url=self._click_return_url())
        return {'api_url': self.provider_id._click_get_payment_page_url(), 'url_params': url_params}

    def _get_specific_processing_values(self, processing_values):
        """Override of `payment` to give Click's inline window the payment button's parameters (SPEC §6.2).

        The window has no ``return_url``: the payment form leaves for the status page when it closes.
        """
        res = super()._get_specific_processing_values(processing_values)
        if self.provider_code != 'click' or self.operation != 'online_direct' or self.payment_method_code != 'click':
            return res
        return {**res, 'click_checkout_params': self._click_payment_params()}

    def _click_payment_params(self):
        """What Click's payment page and inline window are told about this payment, but the return_url."""
        self.ensure_one()
        self._click_check_currency(self.currency_id)
        provider = self.provider_id
        params = {
            'service_id': provider.click_service_id,
            'merchant_id': provider.click_merchant_id,
            'amount': click_amount(self.amount),
            'transaction_param': self.reference,
            'merchant_user_id': provider.click_merchant_user_id,
        }
        if provider.click_accepted_cards != 'any':
            params['card_type'] = provider.click_accepted_cards
        return params

    def _click_return_url(self):
        """Return the address Click sends the customer back to, signed for this transaction."""
        self.ensure_one()
        return url_join(self.provider_id.get_base_url(), self._click_return_path())

    def _click_return_path(self):
        """The return link's path and query: the reference, an expiry, and a token signing both.

        The Click app opens it in any browser, where Odoo's session may be missing (SPEC §10.2). The
        token is the one `payment.utils.generate_access_token` makes of the reference and the expiry
        (a Unix time), computed here as it does, since the button is also rendered outside of HTTP
        requests.
        """
        self.ensure_one()
        expires = str(int(time.time()) + self.provider_id.click_return_link_days * 86400)
        access_token = hmac_tool(self.env(su=True), 'generate_access_token', f'{self.reference}|{expires}')
        query = urlencode({'reference': self.reference, 'expires': expires, 'access_token': access_token})
        return f'{ClickController._return_url}?{query}'

    def _set_canceled(self, state_message=None, **kwargs):
        """Override of `payment` to keep the shop's cart when Click declines its payment.

        Core's landing route for a shop order (``/shop/payment/validate``) empties the session's
        cart whatever the payment's state, and a logged-in customer's next product then silently
        revives the declined order. The customer lands on the return page instead: it says the
        payment was declined, and its "Back to your cart" shows the same order again.
        """
        txs = super()._set_canceled(state_message=state_message, **kwargs)
        for tx in txs.filtered(lambda tx: tx.provider_code == 'click' and tx._click_order_to_restore()):
            if (tx.landing_route or '').startswith('/shop/payment/validate'):
                tx.landing_route = tx._click_return_path()
        return txs

    def _click_sale_orders(self):
        """The sale orders this transaction pays: the one place that knows `sale` is optional.

        Sale is not a dependency (a business without it takes Click payments for invoices): with it,
        the ``sale_order_ids`` core's sale adds; without it, an empty recordset, which stands for none.
        """
        return self.sale_order_ids if 'sale_order_ids' in self._fields else self.browse()

    def _click_order_to_restore(self):
        """The shop's unconfirmed order this declined payment was for, if no other payment took it over."""
        orders = self._click_sale_orders().filtered(lambda order: order.state == 'draft' and order.website_id)
        return orders.filtered(
            lambda order: order.get_portal_last_transaction().state not in ('pending', 'authorized', 'done')
        )[:1] or None

    def _click_pay_again_link(self, session_owns):
        """The way back to paying a declined payment that exists for this visitor, as (label, url), or None.

        The browser that started a shop order's payment gets its cart back; others nothing, since an
        unconfirmed cart is not a document to pay. Otherwise, the order or the invoice: with its
        portal token only for that browser, without one for a user who can open the document anyway,
        and not at all for others, such as the Click app's browser.
        """
        self.ensure_one()
        if self._click_order_to_restore():  # A cart, not an order the portal lets one pay.
            return (_("Back to your cart"), ClickController._cart_url) if session_owns else None
        document = self._click_document_to_pay_again()
        if not document:
            return None
        label = _("Pay again: %s", document.display_name)
        if session_owns:
            return label, document.get_portal_url()
        if document.with_env(document.env(su=False)).has_access('read'):
            return label, document.access_url
        return None

    def _click_refunded_amount(self):
        """What Click gave back of this payment: the sum of its done refunds, positive."""
        refunds = self.child_transaction_ids.filtered(lambda tx: tx.operation == 'refund' and tx.state == 'done')
        return -sum(refunds.mapped('amount'))

    @api.model
    def _click_check_currency(self, currency):
        """Refuse, in words the payer understands, a Click payment in anything but so'm."""
        if not currency._click_is_supported():
            raise UserError(_(
                "Click takes payments in Uzbek so'm (UZS) only, and this payment is in %s. Please "
                "choose another payment method.", currency.name or _("no currency"),
            ))

    def _create_payment(self, **extra_create_values):
        """Override of `account_payment` to put Click's ids in the memo of the payment."""
        if self.provider_code == 'click':
            extra_create_values.setdefault('memo', self._click_payment_memo())
        return super()._create_payment(**extra_create_values)

    def _click_payment_memo(self):
        """The memo of the payment booking this transaction: its reference, the payer and Click's ids
        (payment number / transaction id), each only when known."""
        self.ensure_one()
        click_ids = ' / '.join(str(value) for value in (self.provider_reference, self.click_trans_id) if value)
        return ' - '.join(part for part in (
            self.reference, self.partner_name, click_ids and f'Click {click_ids}',
        ) if part)

    def _get_received_message(self):
        """Override of `payment` to say, on the documents, why a Click payment is still pending and
        what happens next (a charge Click has not finished, an invoice waiting in the Click app), or
        why it was cancelled (an invoice declined, expired or withdrawn); and which card paid at the
        counter with CLICK Pass."""
        message = super()._get_received_message()
        if self.provider_code != 'click':
            return message
        if self.state in ('pending', 'cancel') and self.state_message:
            message += Markup('<br/>') + self.state_message
        elif self.click_is_pass and self.state == 'done':
            message += Markup('<br/>') + self._click_pass_card_words()
        return message

    def _log_message_on_linked_documents(self, message):
        """Override of `payment` to sign the message with whoever acted.

        Core signs it with the payer. A back-office user who acted (sent a Click invoice, refunded, asked
        Click) signs it themself. Click's own calls stay signed by the payer, or by OdooBot for a payer
        without an e-mail address: a message needs an author with an address, a customer at the counter
        often has none, and the payment must be recorded all the same.
        """
        if self.provider_code != 'click':
            return super()._log_message_on_linked_documents(message)
        if user := self._click_acting_user():
            return super(PaymentTransaction, self.with_context(
                click_author_id=user.partner_id.id,
            ))._log_message_on_linked_documents(message)
        if not self.partner_id.email and self.env.uid != SUPERUSER_ID:
            return super(PaymentTransaction, self.with_user(SUPERUSER_ID))._log_message_on_linked_documents(message)
        return super()._log_message_on_linked_documents(message)

    def _click_acting_user(self):
        """The back-office user acting on this payment, who signs its messages; None for Click's own
        calls, the payer's requests and the crons."""
        user = self.env.user
        return user if self.env.uid != SUPERUSER_ID and user._is_internal() and user.email else None

    def _log_received_message(self):  # pylint: disable=missing-return  # core's returns nothing
        """Override of `payment` to leave the message of a payment Click confirmed of its own word to
        its post-processing (``_click_log_due_message``): Click's answer does not wait for the chatter.

        A confirmation a back-office user asked for (Check status, a charge) is logged at once, signed
        by them.
        """
        due = self.filtered(lambda tx: tx.env.context.get('click_confirmed') and not tx._click_acting_user())
        due.click_received_message_due = True
        super(PaymentTransaction, self - due)._log_received_message()

    def _click_log_due_message(self):  # pylint: disable=missing-return  # posts; returns nothing
        """Post the received message a confirmation left to post-processing, once, signed as Click's
        own calls are: by the payer, or by OdooBot for a payer without an e-mail address."""
        for tx in self.filtered('click_received_message_due'):
            tx.click_received_message_due = False
            super(PaymentTransaction, tx.with_user(SUPERUSER_ID).with_context(
                click_author_id=tx.partner_id.email and tx.partner_id.id,
            ))._log_received_message()

    # === BUSINESS METHODS - CLICK'S WORD ON A PAYMENT: THE DOOR === #
    #
    # Click's word on a payment reaches a transaction through core's
    # ``_handle_notification_data('click', data)`` only: ``_get_tx_from_notification_data`` finds the
    # transaction and row-locks it, ``_process_notification_data`` applies the word. ``data`` says its
    # source, ``data['source']`` in ``const.CLICK_NOTIFICATION_SOURCES``, and each key has one meaning:
    # - 'shop', a Prepare or Complete callback: ``pairs``, every ``(name, value)`` of the posted form;
    #   once its signature is checked, ``request``, the callback as read (a ``shop.ShopRequest``);
    # - any other source: ``reference`` and ``provider_id``, the transaction's;
    # - 'status', 'card', 'pass': ``payment_id`` and ``payment_status``, Click's Merchant API values,
    #   None when unknown (a lost answer);
    # - 'card', 'pass': ``refused``, whether Click refused the charge (nothing was taken), and
    #   ``state_message``, what the payment says when Click refused it or has not finished it;
    # - 'pass': ``card_category``, ``processing_type`` and ``card_number`` (masked) of the payer's card;
    # - 'invoice', an invoice by phone Click reports declined or expired: ``state_message``, why the
    #   payment is cancelled (see ``_click_apply_invoice_declined``, payment_transaction_waiting.py);
    # - 'reversal': see ``_click_apply_reversal`` (payment_transaction_refund.py);
    # - 'telegram', Telegram's successful_payment: ``telegram_charge_id`` and ``provider_charge_id``, its
    #   two ids, and ``total_amount``, in tiyin (see ``_click_apply_telegram``, payment_transaction_telegram.py).
    # On the way back, ``answer`` holds the ``ShopError`` decided under the lock: for a callback, the code
    # Click gets. A ``ShopRejection`` raised on the way is the code of a request refused before any decision.

    def _click_notification(self, source, **values):
        """The door's data for Click's word from ``source`` on this transaction: its reference and
        provider, and ``values``, each key as listed above."""
        self.ensure_one()
        return {'source': source, 'reference': self.reference, 'provider_id': self.provider_id.id, **values}

    @api.model
    def _click_answer_callback(self, pairs):
        """Answer one Prepare or Complete from Click (SPEC §2.12), through the door.

        :param list pairs: every ``(name, value)`` of the posted form, as received
        :return: the JSON answer for Click
        :rtype: dict
        """
        received = dict(pairs)
        if _logger.isEnabledFor(logging.INFO):
            _logger.info(
                "Notification received from Click with data:\n%s",
                pprint.pformat({k: v[:LOGGED_VALUE_LENGTH] for k, v in received.items() if k != 'sign_string'}),
            )
        data = {'source': 'shop', 'pairs': pairs}
        try:
            tx = self._handle_notification_data('click', data)
        except ShopRejection as rejection:
            _logger.warning(
                "Click request for %r answered %s: %s", str(received.get('merchant_trans_id'))[:LOGGED_VALUE_LENGTH],
                int(rejection.code), rejection.reason,
            )
            return shop.build_answer(rejection.code, received)
        _logger.info("Click request for %s answered %s", tx.reference, int(data['answer']))
        return shop.build_answer(data['answer'], received, tx.id)

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        """Override of `payment` to find the transaction Click's word is about, and row-lock it.

        A callback is checked first, in this order: its fields, its service's providers and its
        signature (in constant time, before any transaction is looked at), the types of its values.

        :raise ShopRejection: with the code that refuses the callback, or -5 for no such transaction
        """
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != 'click':
            return tx
        source = notification_data.get('source')
        if source == 'shop':
            fields_ = shop.collect_fields(notification_data['pairs'])
            providers = self._click_signing_providers(fields_)
            notification_data['request'] = shop.parse_request(fields_)
            return self._click_lock_transaction(
                notification_data['request'].merchant_trans_id, providers, done_unlocked=True,
            )
        if source not in const.CLICK_NOTIFICATION_SOURCES:
            raise ValidationError(_("Unknown source of Click's notification: %s", source))
        provider = self.env['payment.provider'].browse(notification_data['provider_id'])
        return self._click_lock_transaction(notification_data['reference'], provider)

    def _process_notification_data(self, notification_data):
        """Override of `payment` to apply Click's word, as its source says, under the row lock."""
        super()._process_notification_data(notification_data)
        if self.provider_code != 'click':
            return
        source = notification_data['source']
        if source == 'reversal':
            self._click_apply_reversal(notification_data)
        elif source == 'invoice':
            self._click_apply_invoice_declined(notification_data)
        elif source == 'shop':
            request_ = notification_data['request']
            notification_data['answer'] = self._click_apply_notice(shop.request_notice(request_), {
                'click_trans_id': str(request_.click_trans_id), 'provider_reference': str(request_.click_paydoc_id),
            }, request_.error_note).code
        elif source == 'status':
            notification_data['answer'] = self._click_apply_status(notification_data).code
        elif source == 'telegram':
            notification_data['answer'] = self._click_apply_telegram(notification_data).code
        else:
            self._click_apply_charge(notification_data)

    def _click_apply_status(self, data):
        """Apply a finished payment's Merchant API status (a status answer, a charge's answer).

        :return: the decision applied
        """
        notice = shop.status_notice(data['payment_id'], data['payment_status'], to_decimal(self.amount))
        return self._click_apply_notice(
            notice, {'provider_reference': str(notice.payment_id)}, _("as Click's payment status reports"),
        )

    def _click_apply_charge(self, data):
        """Apply the answer to a saved card's or CLICK Pass charge: refused, not finished (pending for
        the status sync), or finished."""
        values = {'provider_reference': data['payment_id'] and str(data['payment_id'])}
        if data['source'] == 'pass':
            values.update(self._click_pass_card_values(data))
        self.write(values)
        if data['refused']:
            self._set_error(data['state_message'])
        elif data['payment_id'] is None or not shop.payment_finished(data['payment_status']):
            self._click_leave_charge_pending(data['state_message'])
        else:
            data['answer'] = self._click_apply_status(data).code

    def _click_leave_charge_pending(self, message):
        """Leave a charge Click has not finished pending, for the status sync to resolve.

        Register Payment cancels its payment when the charge is not done at once: the payment the
        status sync books then is a new one.
        """
        self._set_pending(state_message=message)
        if self.operation == 'offline':
            self.payment_id = False

    @api.model
    def _click_signing_providers(self, fields_):
        """Return the providers of the request's service whose secret key signed it."""
        service_id = shop.read_id(fields_['service_id'])
        if service_id is None:
            raise ShopRejection(ShopError.BAD_REQUEST, "malformed service_id")
        providers = self.env['payment.provider']._click_find_by_service_id(service_id)
        if not providers:
            raise ShopRejection(ShopError.BAD_REQUEST, f"no Click provider has service_id {service_id}")
        providers.fetch(['code', 'click_secret_key', 'state'])  # what the callback reads of them, not all their fields
        signers = providers.filtered(
            lambda p: p.click_secret_key and signature_matches(fields_, p.click_secret_key)
        )
        if not signers:
            raise ShopRejection(ShopError.SIGN_CHECK_FAILED, "sign_string does not match")
        return signers

    @api.model
    def _click_lock_transaction(self, reference, providers, done_unlocked=False):
        """Return the transaction ``reference`` of ``providers``, row-locked until commit.

        The lock makes simultaneous calls for one transaction take turns; under REPEATABLE READ
        the later one then fails to serialize and Odoo replays it, seeing the first one's outcome.

        :param bool done_unlocked: return a done transaction another worker holds without waiting for
            it, marked ``click_unlocked`` in its context (see ``_click_lock_to_change``): Click repeats
            a Complete while the post-processing holds it, which may itself wait for a free worker
            (sale's order PDF is fetched from this server)
        """
        found = SQL(
            "FROM payment_transaction WHERE reference = %s AND provider_id IN %s", reference, tuple(providers.ids),
        )
        self.env.cr.execute(SQL(
            "SELECT id %s FOR NO KEY UPDATE%s", found, SQL(" SKIP LOCKED") if done_unlocked else SQL(""),
        ), log_exceptions=False)  # a serialization failure here is expected and replayed
        tx = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not tx and done_unlocked:  # none, or held by another worker
            self.env.cr.execute(SQL("SELECT id, state = 'done' %s", found))  # the reference is unique
            if row := self.env.cr.fetchone():
                if not row[1]:
                    return self._click_lock_transaction(reference, providers)
                tx = self.browse(row[0]).with_context(click_unlocked=True)
        if not tx:
            raise ShopRejection(ShopError.USER_DOES_NOT_EXIST, "no transaction has this reference")
        tx._click_fetch_for_decision()
        return tx

    def _click_lock_to_change(self):
        """Row-lock a transaction returned unlocked (``_click_lock_transaction``) before it is changed:
        the wait ends with the holder's commit, which fails this request to serialize if the holder
        changed it, and Odoo replays it."""
        if self.env.context.get('click_unlocked'):
            self.env.cr.execute(SQL(
                "SELECT id FROM payment_transaction WHERE id = %s FOR NO KEY UPDATE", self.id,
            ), log_exceptions=False)  # a serialization failure here is expected and replayed

    def _click_fetch_for_decision(self):
        """Read what deciding Click's word reads of these transactions and their documents
        (``const.DECISION_FIELDS``), a query per model and link, and not all their fields."""
        self.fetch([name for name in const.DECISION_FIELDS[self._name] if name in self._fields])
        self.invoice_ids.fetch(const.DECISION_FIELDS['account.move'])
        self._click_sale_orders().fetch(const.DECISION_FIELDS['sale.order'])

    def _click_apply_notice(self, notice, click_ids, error_note):
        """Decide and apply Click's word on this transaction, whose row lock the caller holds.

        A late or repeated word changes nothing: the decision reads the transaction as it stands.

        :param shop.Notice notice: Click's word
        :param dict click_ids: Click's ids to record with the change
        :param str error_note: why, for a cancellation
        :return: the decision applied
        :raise ShopRejection: when the word is refused before any decision
        """
        self._click_check_payable(notice)
        decision = shop.decide(
            notice, self._click_status(notice.kind), self.id, self.amount,
            amount_left=self._click_amount_left(), held=shop.read_id(self.provider_reference or ''),
        )
        self._click_apply_decision(decision, notice, click_ids, error_note)
        self._click_note_cancelled_invoice_paid(decision, notice)
        return decision

    def _click_check_payable(self, notice):
        """Refuse (-5) what nothing payable through Click stands behind (SPEC §11 X, Z).

        A transaction in another currency is never payable. A disabled provider starts no new
        payment, but a Complete for one it prepared earlier is still recorded: money may have moved.
        """
        self.ensure_one()
        if self.operation == 'refund':
            raise ShopRejection(ShopError.USER_DOES_NOT_EXIST, "the transaction is a refund")
        if not self.currency_id._click_is_supported():
            raise ShopRejection(ShopError.USER_DOES_NOT_EXIST, f"the transaction is in {self.currency_id.name}")
        if notice.kind is Kind.PREPARE and self.provider_id.state == 'disabled':
            raise ShopRejection(ShopError.USER_DOES_NOT_EXIST, "the provider is disabled")

    def _click_status(self, kind):
        """Where this transaction stands for Click's word of ``kind``, in Click's terms."""
        self.ensure_one()
        if self.state == 'done':
            return TxStatus.PAID
        if self.state == 'cancel':
            return TxStatus.CANCELLED
        if kind is Kind.PREPARE and any(
            all(doc.state == 'cancel' for doc in docs) for docs in self._click_linked_documents()
        ):
            return TxStatus.CANCELLED
        return TxStatus.PREPARED if self.click_trans_id else TxStatus.NEW

    def _click_linked_documents(self):
        """The invoices and the sale orders this transaction pays, one recordset per model."""
        return [docs for docs in (self.invoice_ids, self._click_sale_orders()) if docs]

    def _click_document_to_pay_again(self):
        """The order, else the invoice, whose portal page lets the customer pay again."""
        documents = self._click_linked_documents()
        return documents[-1][:1] if documents else None

    def _click_amount_left(self):
        """What is left to pay on this transaction's documents, in so'm, or None if it pays none.

        Counted from money, not from matching: each other done or authorized transaction linked to
        the documents counts as paid in full, whether or not its payment is matched with them yet.
        Other money matched with the invoices (bank payments, credit notes) counts through their
        residual, which already shows the part of those transactions that is matched:

        - invoices: their residual, less what the transactions paid that is not matched with their
          invoices;
        - orders: their total, less the transactions; once invoiced, their total less what was
          invoiced, plus what is left on those invoices (as above); the smaller of the two.

        With both, the smaller; less, in any case, the saved-card and CLICK Pass charges still under
        way. An unsaved transaction (``new``) tells what is left before a payment is made.
        """
        self.ensure_one()
        invoices = self.invoice_ids._origin.filtered(lambda inv: inv.state == 'posted')
        orders = self._click_sale_orders()._origin.filtered(lambda so: so.state != 'cancel')
        order_invoices = self.env['account.move'].search([  # sale's invoice_ids, in one query
            ('line_ids.sale_line_ids.order_id', 'in', orders.ids), ('state', '=', 'posted'),
            ('move_type', 'in', ('out_invoice', 'out_refund')),
        ]) if orders else self.env['account.move']
        others = self._click_other_transactions(  # charges under way count for cancelled orders too
            self.invoice_ids._origin | order_invoices, self._click_sale_orders()._origin,
        )
        lefts = []
        if invoices:
            lefts.append(self._click_invoices_left(invoices, others._click_paying(invoices)))
        if orders:
            paying = others._click_paying(order_invoices, orders)
            total = sum(self._click_in_own_currency(order.amount_total, order) for order in orders)
            lefts.append(total - sum(self._click_in_own_currency(tx.amount, tx) for tx in paying))
            if order_invoices:
                invoiced = sum(_sign(inv) * self._click_in_own_currency(inv.amount_total, inv)
                               for inv in order_invoices)
                lefts.append(total - invoiced + self._click_invoices_left(order_invoices, paying))
        if not lefts:
            return None
        return min(to_decimal(left) for left in lefts) - self._click_charges_under_way(others)[0]

    def _click_other_transactions(self, invoices, orders):
        """The other transactions of ``invoices`` or ``orders`` that count against what is left to pay,
        in one query: done or authorized payments (not refunds), and the Click charges under way (see
        ``_click_charges_under_way``)."""
        documents = [('invoice_ids', 'in', invoices.ids)]
        if orders:
            documents = ['|', *documents, ('sale_order_ids', 'in', orders.ids)]
        return self.search([
            ('id', 'not in', self._origin.ids), ('operation', '!=', 'refund'), *documents,
            '|', ('state', 'in', ('authorized', 'done')),
            '&', '&', ('provider_code', '=', 'click'), ('state', 'in', ('draft', 'pending')),
            ('click_charge_date', '>=', fields.Datetime.now() - const.CHARGE_UNDER_WAY),
        ])

    def _click_paying(self, invoices, orders=None):
        """Those of these transactions that are money received (done or authorized) for ``invoices`` or
        ``orders``."""
        return self.filtered(lambda tx: tx.state in ('authorized', 'done') and (
            tx.invoice_ids & invoices or orders and tx._click_sale_orders() & orders
        ))

    def _click_invoices_left(self, invoices, paid):
        """What is left on ``invoices`` once the ``paid`` transactions count in full: their residual,
        less what of those transactions is not matched with their invoices."""
        residual = sum(_sign(inv) * self._click_in_own_currency(inv.amount_residual, inv) for inv in invoices)
        return residual - sum(self._click_in_own_currency(tx._click_unmatched_amount(invoices), tx) for tx in paid)

    def _click_unmatched_amount(self, invoices=None):
        """What this payment received that is not matched yet with its own invoices or ``invoices``,
        in its currency: all of it until its payment is booked and matched."""
        self.ensure_one()
        payment_move = self.sudo().payment_id.move_id
        if not payment_move:
            return self.amount
        invoices = (self.invoice_ids | (invoices or self.invoice_ids)).sudo()
        matched = sum(
            self._click_in_own_currency(partial['amount'], invoice)
            for invoice in invoices.filtered(lambda inv: inv.state == 'posted')
            for partial in invoice._get_all_reconciled_invoice_partials()
            if not partial['is_exchange'] and partial['aml'].move_id == payment_move
        )
        return max(self.amount - matched, 0)

    def _click_check_chargeable(self):
        """Refuse, before Click is called, a saved-card or CLICK Pass charge that Click must not make."""
        self.ensure_one()
        if self.state != 'draft' or self.operation not in ('online_direct', 'online_token', 'offline'):
            raise UserError(_("%s is not a payment waiting to be charged.", self.reference))
        self._ensure_provider_is_not_disabled()
        self._click_check_currency(self.currency_id)
        self._click_check_amount_left(_("nothing was charged"))

    def _click_check_amount_left(self, outcome):
        """Refuse a payment larger than what is left to pay on its documents, saying ``outcome``."""
        amount_left = self._click_amount_left()
        if amount_left is not None and to_decimal(self.amount) - amount_left > TOLERANCE:
            raise UserError(_(
                "Only %(left)s is left to pay on what %(reference)s pays; %(outcome)s.", outcome=outcome,
                left=format_amount(self.env, float(max(amount_left, 0)), self.currency_id), reference=self.reference,
            ))

    def _click_charges_under_way(self, others=None):
        """The saved-card and CLICK Pass charges of this transaction's documents that Click has not
        finished, started within ``const.CHARGE_UNDER_WAY``: what they may still take, and them.

        Such a charge is committed before Click is asked; until its answer resolves it, it counts
        against what is left to pay.

        :param others: the documents' other transactions (``_click_other_transactions``), if known
        """
        self.ensure_one()
        invoices, orders = self.invoice_ids._origin, self._click_sale_orders()._origin
        if others is None:
            others = self._click_other_transactions(invoices, orders)
        txs = others.filtered(lambda tx: tx.state in ('draft', 'pending') and (
            tx.invoice_ids & invoices or tx._click_sale_orders() & orders
        ))
        return sum((to_decimal(tx.amount) for tx in txs), to_decimal(0)), txs

    def _click_in_own_currency(self, amount, record):
        """``amount``, in ``record``'s currency, converted to this transaction's currency."""
        if record.currency_id == self.currency_id:
            return amount
        return record.currency_id._convert(amount, self.currency_id, self.company_id, fields.Date.context_today(self))

    def _click_apply_decision(self, decision, notice, click_ids, error_note):
        """Record Click's ids, move the transaction as ``decision`` says and alert the accountant.

        Any failure but a concurrency one, which Odoo replays, leaves the transaction as it was.

        :raise ShopRejection: -7 when the change cannot be applied
        """
        self.ensure_one()
        if decision.effect is Effect.NONE and decision.alert is Alert.NONE:
            return
        self._click_lock_to_change()
        try:
            with self.env.cr.savepoint():
                if decision.effect is not Effect.NONE:
                    self._click_apply_effect(decision.effect, notice, click_ids, error_note)
                if decision.alert is not Alert.NONE:
                    self._click_alert_accountant(decision, notice)
                elif decision.effect is Effect.CONFIRM and self.provider_id.state == 'disabled':
                    self._click_alert_accountant(decision, notice, _(
                        "Click %(paydoc)s debited %(amount)s for %(document)s through the disabled "
                        "Click provider %(provider)s. The payment was recorded: check that it is "
                        "expected, or refund it.",
                        **self._click_alert_values(notice), provider=self.provider_id.name,
                    ))
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # noqa: BLE001 - Click gets -7 as JSON, the log gets the traceback
            _logger.exception("Click request for %s could not be applied", self.reference)
            raise ShopRejection(ShopError.FAILED_TO_UPDATE, f"Odoo could not apply the change: {error}") from error

    def _click_apply_effect(self, effect, notice, click_ids, error_note):
        """Record Click's ids and move the transaction as ``effect`` says, through core's setters."""
        if effect is Effect.PREPARE:
            click_ids = dict(click_ids, click_prepare_date=fields.Datetime.now())
        if any(self[name] != value for name, value in click_ids.items()):
            self.write(click_ids)
        if effect is Effect.CONFIRM:
            self.with_context(click_confirmed=True)._set_done()
            self._click_trigger_post_processing()
        elif effect is Effect.CANCEL:
            self._set_canceled(state_message=_(
                "Click cancelled the payment (error %(code)s: %(note)s).", code=notice.error, note=error_note,
            ))

    @api.model
    def _click_trigger_post_processing(self):
        """Have the post-processing cron book a confirmed payment soon, even if the customer never comes
        back: one trigger for a burst of payments, not one (and its NOTIFY) each.

        The cron is triggered now (its worker woken, as core does) and at the end of
        ``const.POST_PROCESSING_TRIGGER_SPAN``; a confirmation while that second trigger is due
        ``const.POST_PROCESSING_TRIGGER_MARGIN`` or more ahead relies on it, and creates nothing. A run
        of the cron ends by deleting the triggers due before it began (``ir.cron._reschedule_later``):
        a run that began before this payment was committed began before that trigger's time, and leaves
        it to a later run, which sees the payment. At worst (a commit later than the margin, a cron
        worker down), the cron's own interval, or the customer's status page, books it: no payment
        waits longer than that. One relying on the later trigger is booked when the cron worker next
        wakes: at the next confirmation that triggers it, else at its own poll (a minute).
        """
        cron = self._click_post_processing_cron()
        now = fields.Datetime.now()
        if self.env['ir.cron.trigger'].sudo().search_count([
            ('cron_id', '=', cron.id), ('call_at', '>=', now + const.POST_PROCESSING_TRIGGER_MARGIN),
        ], limit=1):
            return
        cron._trigger([now, now + const.POST_PROCESSING_TRIGGER_SPAN])

    @api.model
    def _click_post_processing_cron(self):
        """Core's post-processing cron, found through the ORM cache (``env.ref`` would also check, in a
        query, that it exists)."""
        return self.env['ir.cron'].browse(
            self.env['ir.model.data']._xmlid_to_res_id('payment.cron_post_process_payment_tx'),
        )

    def _click_alert_values(self, notice):
        documents = self._click_linked_documents()
        return {
            'paydoc': notice.payment_id,
            'amount': format_amount(self.env, float(notice.amount), self.currency_id),
            'document': ', '.join(documents[0].mapped('display_name')) if documents else self.reference,
        }

    def _click_alert_accountant(self, decision, notice, message=None):
        """Leave a note and a to-do on the documents for money Click debited that needs a person.

        Repeats of the same Click payment add nothing, simultaneous ones too: the transaction's row is
        marked changed, so that a worker waiting for its lock with the same word fails to serialize and
        is replayed, then finds the to-do. No e-mail leaves before Click is answered: the assignee's
        notification waits in the mail queue.
        """
        if self.click_is_self_test:  # Click's scenarios move no money: nobody has anything to do
            return
        self.env.cr.execute(SQL(
            "UPDATE payment_transaction SET write_date = %s WHERE id = %s", fields.Datetime.now(), self.id,
        ))
        values = self._click_alert_values(notice)
        if message is None:
            message = {
                Alert.PAID_TWICE: _(
                    "Click %(paydoc)s debited %(amount)s for %(document)s, which was already paid "
                    "(Click %(first)s): refund it.", **values,
                    first=self.provider_reference or self.click_telegram_charge_id,
                ),
                Alert.DEBITED_WHILE_CANCELLED: _(
                    "Click %(paydoc)s debited %(amount)s for %(document)s, but the payment %(reference)s "
                    "was cancelled in Odoo, so nothing was recorded: check it with Click and refund "
                    "it.", **values, reference=self.reference,
                ),
                Alert.OVERPAID: _(
                    "Click %(paydoc)s debited %(amount)s for %(document)s, which was already paid: "
                    "refund it.", **values,
                ) if decision.excess >= notice.amount else _(
                    "Click %(paydoc)s debited %(amount)s for %(document)s, %(excess)s more than was "
                    "left to pay. The payment was recorded: refund the difference.",
                    **values, excess=format_amount(self.env, float(decision.excess), self.currency_id),
                ),
            }[decision.alert]
        summary = _("Click %s: check this payment", notice.payment_id)
        if decision.effect is Effect.CONFIRM:  # recorded: its payment has Odoo's Refund button
            message = Markup('%s <a href="/odoo/payment.transaction/%s">%s</a>') % (
                message, self.id, _("Open the payment %s", self.reference),
            )
        responsible = self._click_accountant()
        for documents in self._click_linked_documents() or [self.partner_id]:
            documents._click_note_and_todo(message, summary, responsible)
        _logger.warning("Click request for %s needs an accountant: %s", self.reference, message)

    def _click_accountant(self, company=None):
        """The user who handles the payment problems of ``company`` (by default, this transaction's):
        its first accounting manager."""
        company = company or self.company_id
        managers = self.env.ref('account.group_account_manager').users.filtered(
            lambda user: user.active and not user.share and company in user.company_ids
        )
        return managers.sorted('id')[:1] or self.env.ref('base.user_admin')

    # === BUSINESS METHODS - MERCHANT API: STATUS SYNC === #

    @api.model
    def _cron_click_sync_status(self):
        """Ask Click about the payments it announced (Prepare) whose Complete never came, the charges
        whose answer Click has not finished or lost, and the invoices waiting in the Click app (declined
        or expired ones tell nobody)."""
        for provider in self.env['payment.provider'].search([('code', '=', 'click'), ('state', '!=', 'disabled')]):
            older_than = fields.Datetime.now() - timedelta(minutes=provider.click_sync_delay)
            txs = self.search([
                ('provider_id', '=', provider.id), ('operation', '!=', 'refund'), ('click_is_self_test', '=', False),
                ('state', 'in', ('draft', 'pending')), '|', '&',
                ('click_prepare_date', '<', older_than),
                ('click_prepare_date', '>', older_than - timedelta(days=const.SYNC_MAX_AGE_DAYS)), '&',
                ('click_charge_date', '<', older_than),
                ('click_charge_date', '>', older_than - timedelta(days=const.SYNC_MAX_AGE_DAYS)),
            ]) | self._click_invoices_waiting(provider)
            if not txs:
                continue
            client = provider._click_get_merchant_client()  # one connection to Click for all of them
            try:
                for tx in txs:
                    if not tx._click_claim_check():  # asked just now, for the customer waiting on it
                        continue
                    try:
                        tx._click_check_with_click(client)
                    except MerchantApiError as error:
                        _logger.info("Click status of %s left for the next run: %s", tx.reference, error)
                    self._click_commit()  # each payment resolved on its own
            finally:
                client.close()

    def action_click_sync_status(self):
        """Ask Click now, and tell the user what it said and what changed; the form then shows it."""
        self.ensure_one()
        try:
            outcome = self._click_sync_status_message(raise_unreachable=True)
        except MerchantApiError as error:
            raise UserError(self._click_unreachable_message(error)) from error
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'title': _("Click's answer"), 'message': outcome, 'type': 'info', 'sticky': True,
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def _click_sync_status_message(self, raise_unreachable=False):
        """What ``_click_sync_status`` found and what it changed, or why Click could not be asked, in words."""
        before = self.state
        try:
            answer = self._click_sync_status()
        except MerchantApiError as error:
            if raise_unreachable:
                raise
            return self._click_unreachable_message(error)
        self.invalidate_recordset(['state'])
        states = dict(self._fields['state']._description_selection(self.env))
        if self.state == before:
            change = _("Nothing changed: %(reference)s is still %(state)s.",
                       reference=self.reference, state=states[before])
        else:
            change = _("%(reference)s went from %(before)s to %(after)s.",
                       reference=self.reference, before=states[before], after=states[self.state])
        return f'{answer} {change}'

    def _click_status_words(self, payment_status):
        """Click's Merchant API ``payment_status`` in words for a person, its number kept for support."""
        if payment_status is None:
            return _("no status")
        if payment_status == shop.PAYMENT_SUCCESSFUL:
            words = _("paid")
        elif payment_status == shop.PAYMENT_PROCESSING:
            words = _("being processed")
        elif payment_status == 0:
            words = _("created, not paid yet")
        elif payment_status < 0:
            words = _("failed or reversed")
        else:
            words = _("unknown")
        return _("%(words)s (status %(status)s)", words=words, status=payment_status)

    def _click_unreachable_message(self, error):
        return _("Click could not be asked about %(reference)s: %(error)s", reference=self.reference,
                 error=messages.merchant_error(self.env, error))

    def _click_sync_status(self, client=None):
        """Apply what Click's Merchant API reports about this payment, through the door (source 'status').

        Click is asked about the payment Odoo holds (the Provider Reference, set by the latest
        Prepare or charge) by its id: asked by reference, Click may answer with an earlier attempt
        that failed. Only a payment whose id Odoo never learnt (a charge whose answer was lost) is
        looked up by reference and creation date (Tashkent). Only a reported success confirms; a
        failure or reversal of the payment Odoo holds cancels; anything else changes nothing
        (``shop.decide``).

        :param client: the provider's Merchant API client, when the caller has one open
        :return: what Click said, in words for the user
        :raise MerchantApiError: when Click could not be asked; nothing changed then
        """
        self.ensure_one()
        client = client or self.provider_id._click_get_merchant_client()
        if payment_id := shop.read_id(self.provider_reference or ''):
            status = {'payment_id': payment_id, **client.payment_status(payment_id)}
        else:
            tashkent = self.with_context(tz=const.CLICK_TIMEZONE)
            status = client.payment_status_by_mti(
                self.reference, fields.Datetime.context_timestamp(tashkent, self.create_date).date(),
            )
        payment_id, payment_status = status.get('payment_id'), status.get('payment_status')
        if payment_id is None or not shop.payment_finished(payment_status):
            return _("Click has not finished the payment %(reference)s yet: %(status)s.",
                     reference=self.reference, status=self._click_status_words(payment_status))
        data = self._click_notification('status', payment_id=payment_id, payment_status=payment_status)
        try:
            self._handle_notification_data('click', data)
        except ShopRejection as rejection:
            return _("Click reports the payment %(reference)s as %(status)s, which Odoo did not apply: "
                     "%(reason)s", reference=self.reference, status=self._click_status_words(payment_status),
                     reason=rejection.reason)
        if data['answer'] == ShopError.SUCCESS:
            return _("Click reports the payment %(reference)s as %(status)s.", reference=self.reference,
                     status=self._click_status_words(payment_status))
        if data['answer'] == ShopError.TRANSACTION_DOES_NOT_EXIST:
            return _("Click reports its payment %(payment)s for %(reference)s as %(status)s, but %(reference)s "
                     "holds the payment %(held)s: nothing changed.", payment=payment_id, reference=self.reference,
                     status=self._click_status_words(payment_status), held=self.provider_reference)
        return _("Click reports the payment %(reference)s as %(status)s; Odoo answered %(answer)s.",
                 reference=self.reference, status=self._click_status_words(payment_status),
                 answer=shop.ERROR_NOTES[data['answer']])

    # === BUSINESS METHODS - MERCHANT API: INVOICES BY PHONE === #

    @api.model
    def _click_normalize_phone(self, number):
        """Return ``number`` the way Click's invoices want it, ``998XXXXXXXXX``.

        Local forms (``90 123 45 67``) are read as Uzbek; numbers of other countries are refused.

        :raise UserError: saying which numbers Click accepts
        """
        from odoo.addons.phone_validation.tools.phone_validation import phone_format

        number = (number or '').strip()
        if not number:
            raise UserError(_("Enter the Uzbek mobile number of the payer's Click account, such as +998 90 123 45 67."))
        try:
            e164 = phone_format(number, 'UZ', '998', force_format='E164', raise_exception=True)
        except UserError:
            e164 = ''
        if not e164.startswith('+998'):
            raise UserError(_("Click invoices go to Uzbek mobile numbers (+998 and 9 digits); %s is not one.", number))
        return e164[1:]

    @api.model
    def _click_phone_of(self, partner):
        """The partner's mobile, else phone: ``+998…`` when it is Uzbek, else as the partner has it."""
        number = partner.mobile or partner.phone or ''
        try:
            return '+' + self._click_normalize_phone(number)
        except UserError:
            return number

    def _click_send_invoice(self, phone):
        """Bill ``phone`` through Click for this draft transaction (SPEC §7.5.1).

        The payer confirms the invoice in the Click app; Click then sends the Prepare and Complete
        that decide the transaction like any Click payment. It stays draft until then. The request
        is committed, with its phone number, before Click is called: whatever becomes of this
        request, a payment of the invoice finds its transaction. A refusal takes the number back.

        :param str phone: the payer's Uzbek mobile number, in any usual form
        :return: Click's invoice id, or False when Click's answer was lost
        :raise UserError: when the number or the transaction cannot be billed, or Click refused
        """
        self.ensure_one()
        phone = self._click_normalize_phone(phone)
        if self.provider_code != 'click':
            raise UserError(_("%s is not a Click payment.", self.reference))
        tx = self._click_lock_transaction(self.reference, self.provider_id)  # One invoice per payment.
        tx._click_check_invoiceable()
        tx.click_invoice_phone = phone
        tx._click_commit()  # Click may create the invoice from here on
        try:
            answer = tx.provider_id._click_get_merchant_client().create_invoice(tx.amount, phone, tx.reference)
        except MerchantApiError as error:
            if merchant.outcome_unknown(error):
                return tx._click_wait_for_invoice(_(
                    "Click did not say whether it sent the invoice for %(reference)s to +%(phone)s: %(error)s If "
                    "it did, the payment is recorded when the customer pays it; Check status asks Click.",
                    reference=tx.reference, phone=phone, error=messages.merchant_error(self.env, error),
                ))
            tx.click_invoice_phone = False  # Click refused: no invoice waits for the customer
            tx._click_commit()
            raise UserError(_(
                "Click did not send the invoice for %(reference)s to +%(phone)s: %(error)s",
                reference=tx.reference, phone=phone, error=messages.merchant_error(self.env, error),
            )) from error
        if not answer.get('invoice_id'):
            return tx._click_wait_for_invoice(_(
                "Click accepted the invoice for %(reference)s but gave no invoice number: look for it in Click's "
                "merchant cabinet before sending it again.", reference=tx.reference,
            ))
        tx.click_invoice_id = str(answer['invoice_id'])
        note = _("Click invoice %(invoice)s for %(amount)s (%(reference)s) sent to +%(phone)s, to be confirmed in "
                 "the Click app.", invoice=tx.click_invoice_id, reference=tx.reference, phone=phone,
                 amount=format_amount(self.env, tx.amount, tx.currency_id))
        tx._log_message_on_linked_documents(note)
        _logger.info("Click invoice %s sent for %s", tx.click_invoice_id, tx.reference)
        return tx.click_invoice_id

    def _click_wait_for_invoice(self, message):
        """Keep the invoice request on record, waiting, when Click's answer did not say what it did."""
        _logger.warning("Click invoice for %s unconfirmed: %s", self.reference, message)
        self.state_message = message
        return False

    def _click_commit(self):
        """Commit what is done so far: the record of a call that may act at Click, before it goes out.

        Every commit of this module goes through here, the one seam tests replace: a test's
        transaction is rolled back, never committed.
        """
        self.env.cr.commit()  # pylint: disable=invalid-commit  # on record before Click acts

    def _click_check_invoiceable(self):
        """Refuse, saying why, a Click transaction that Click's invoice cannot be sent for."""
        self.ensure_one()
        provider = self.provider_id.sudo()
        if provider.state == 'disabled':
            raise UserError(_("The Click provider %s is disabled; enable it or choose another one.", provider.name))
        self._click_check_currency(self.currency_id)
        if self.operation not in ('online_direct', 'online_redirect') or self.amount <= 0:
            raise UserError(_("Only a payment can be sent as a Click invoice; %s is not one.", self.reference))
        if self.click_invoice_phone:
            raise UserError(_(
                "A Click invoice was already sent to +%(phone)s for %(reference)s. To bill another "
                "number, start a new payment.", phone=self.click_invoice_phone, reference=self.reference,
            ))
        if self.state != 'draft':
            raise UserError(_("%s is no longer waiting for payment; start a new payment.", self.reference))
        self._click_check_amount_left(_("no Click invoice was sent"))

    # === BUSINESS METHODS - POST-PROCESSING === #

    def _cron_post_process(self):  # pylint: disable=missing-return  # core's returns nothing
        """Override of `payment` to post-process each Click transaction once, whoever else is at it.

        Sale's post-processing runs before this module's ``_post_process``, so the claim is taken here,
        and by the status page's poll (controllers/post_processing.py), before any of it: a Click
        transaction another worker holds, or has post-processed since this run began, is left alone.
        A run of the cron takes Click transactions for ``const.POST_PROCESSING_RUN_TIME``, then triggers
        the cron again for the rest: a burst of payments never outlasts the cron worker's time limit.
        """
        if self:
            others = self.filtered(lambda tx: tx.provider_code != 'click')
            clicks = self - others
        else:  # those core's run picks, by id: a burst's transactions are never all read at once
            domain = [
                ('is_post_processed', '=', False),
                ('last_state_change', '>=', fields.Datetime.now() - const.POST_PROCESSING_RETRY_LIMIT),
            ]
            others = self.search([*domain, ('provider_code', '!=', 'click')])
            clicks = self.search([*domain, ('provider_code', '=', 'click')])
        if others:
            super(PaymentTransaction, others)._cron_post_process()
        in_cron = not self and self.env.context.get('cron_id')  # a run of the cron, not a direct call
        ends = time.monotonic() + const.POST_PROCESSING_RUN_TIME.total_seconds()
        for done, tx in enumerate(clicks):  # each Click one is claimed in turn
            if in_cron and done and time.monotonic() > ends:
                self._click_post_processing_cron()._trigger()  # a new run, a new time limit
                return
            if tx._click_claim_post_processing(wait=False):
                super(PaymentTransaction, tx)._cron_post_process()

    def _click_claim_post_processing(self, wait=True):
        """Lock this transaction until commit for its post-processing: whether this worker is to do it.
        When it is, the received message its confirmation left is posted first, before sale confirms
        the order or invoices it, as it was when the confirmation posted it.

        Not when it is post-processed already. Another worker post-processing it is waited for
        (``wait``), else left to it. When another worker changed it since this database transaction
        began, the serialization failure goes up with ``wait``; without, the transaction is left alone.
        """
        self.ensure_one()
        query = SQL(
            "SELECT is_post_processed FROM payment_transaction WHERE id = %s FOR NO KEY UPDATE%s",
            self.id, SQL('') if wait else SQL(' SKIP LOCKED'),
        )
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(query, log_exceptions=False)  # a serialization failure is expected
                row = self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            if wait:
                raise
            return False
        self.invalidate_recordset()  # what the lock holder committed, not what was read before
        if not row or row[0]:
            return False
        self._click_log_due_message()
        return True

    def _post_process(self):
        """Override of `payment` to book nothing for self-test payments: no payment, no entry, no message.

        Once the others are booked, their fiscal receipts are queued (payment_transaction_fiscal.py),
        and a Click payment left unmatched with its invoice gets the accountant a to-do.
        """
        self._click_log_due_message()  # for a caller that did not claim the transaction
        self_tests = self.filtered('click_is_self_test')
        self_tests.is_post_processed = True
        result = super(PaymentTransaction, self - self_tests)._post_process()
        (self - self_tests)._click_queue_fiscal_receipts()
        (self - self_tests).filtered(lambda tx: tx.provider_code == 'click').invoice_ids._click_ask_to_match()
        return result
