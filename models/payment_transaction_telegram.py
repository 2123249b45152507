"""Click payments inside Telegram (SPEC §10.1): an invoice link the provider's bot creates, paid in Telegram.

Telegram's word on a payment (``successful_payment``) enters through core's door as source
``telegram``; Click's Merchant API is never asked about such a payment, nor asked to reverse it.
"""
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import shop, telegram
from odoo.addons.payment_click.click_api.shop import ShopRejection
from odoo.addons.payment_click.click_api.telegram import BotApiError

_logger = logging.getLogger(__name__)
TITLE_LENGTH = 32  # Telegram's limits on an invoice's title and description, in characters
DESCRIPTION_LENGTH = 255


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_telegram_link = fields.Char(
        string="Telegram Payment Link", readonly=True, copy=False,
        help="The link that opens this payment in Telegram, created by the Click provider's bot.",
    )
    click_telegram_charge_id = fields.Char(
        string="Telegram Charge ID", readonly=True, copy=False,
        help="Telegram's id of the payment made in Telegram (telegram_payment_charge_id).",
    )
    click_telegram_provider_charge_id = fields.Char(
        string="Click Charge ID (Telegram)", readonly=True, copy=False,
        help="The payment provider's id of the payment made in Telegram (provider_payment_charge_id).",
    )

    def _click_is_telegram(self):
        self.ensure_one()
        return self.provider_code == 'click' and self.payment_method_code == const.TELEGRAM_PAYMENT_METHOD_CODE

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment` to give a Telegram payment its link, which opens it in Telegram."""
        res = super()._get_specific_rendering_values(processing_values)
        if not self._click_is_telegram():
            return res
        return {'telegram_link': self._click_telegram_create_link()}

    # === LINK CREATION === #

    def _click_telegram_create_link(self):
        """Create the Telegram invoice link of this payment, keep it on the transaction, pending, and return it.

        A transaction has one link: asked again, it returns the one it holds. The transaction is row-locked
        meanwhile, and committed with its link.

        :raise UserError: saying why no link can be created (the payment, the provider, the bot, Telegram)
        """
        self.ensure_one()
        if not self._click_is_telegram():
            raise UserError(_("%s is not a Click payment in Telegram.", self.reference))
        tx = self._click_lock_transaction(self.reference, self.provider_id)
        if tx.click_telegram_link and tx.state in ('draft', 'pending'):
            return tx.click_telegram_link
        tx._click_telegram_check_linkable()
        provider = tx.provider_id.sudo()
        try:
            payload = telegram.sign_payload(provider._click_telegram_payload_secret(), tx.reference)
        except ValueError as error:
            raise UserError(_("The reference %s is too long for a Telegram payment.", tx.reference)) from error
        title, description = tx._click_telegram_texts()
        client = provider._click_get_telegram_client()
        try:
            link = client.create_invoice_link(
                title, description, payload, provider.click_telegram_provider_token, tx.currency_id.name,
                [{'label': title, 'amount': telegram.to_tiyin(tx.amount)}],
            )
        except BotApiError as error:
            raise UserError(_(
                "Telegram did not create the payment link for %(reference)s: %(error)s",
                reference=tx.reference, error=messages.telegram_error(self.env, error),
            )) from error
        finally:
            client.close()
        tx.click_telegram_link = link
        if tx.state == 'draft':
            tx._set_pending(state_message=_("Waiting for the payment in Telegram."))
        _logger.info("Telegram payment link created for %s", tx.reference)
        tx._click_commit()  # the link is on record before anyone can pay it
        return link

    def _click_telegram_check_linkable(self):
        """Refuse, saying why, a transaction that no Telegram payment link may be created for."""
        self.ensure_one()
        provider = self.provider_id.sudo()
        if provider.state == 'disabled':
            raise UserError(_("The Click provider %s is disabled; enable it or choose another one.", provider.name))
        self._click_check_currency(self.currency_id)
        if not (provider.click_telegram_bot_token and provider.click_telegram_provider_token):
            raise UserError(_(
                "No Telegram bot is set up on the Click provider %s: fill in the bot's token and the payments "
                "token on its Telegram tab, and press Connect Telegram bot.", provider.name,
            ))
        if self.operation not in ('online_direct', 'online_redirect', 'offline') or self.amount <= 0:
            raise UserError(_("Only a payment can be paid in Telegram; %s is not one.", self.reference))
        if self.state not in ('draft', 'pending'):
            raise UserError(_("%s is no longer waiting for payment; start a new payment.", self.reference))
        self._click_check_amount_left(_("no Telegram payment link was created"))

    def _click_telegram_texts(self):
        """The invoice's title and description, in the payer's language: the documents it pays."""
        self.ensure_one()
        tx = self.with_context(lang=self.partner_lang or self.env.lang)
        documents = tx._click_linked_documents()
        names = ', '.join(documents[0].mapped('display_name')) if documents else tx.reference
        title = names if len(names) <= TITLE_LENGTH else names[:TITLE_LENGTH - 1] + '…'
        description = tx.env._(
            "%(company)s: payment of %(documents)s, %(amount)s.", company=tx.company_id.name, documents=names,
            amount=format_amount(tx.env, tx.amount, tx.currency_id),
        )
        if len(description) > DESCRIPTION_LENGTH:
            description = description[:DESCRIPTION_LENGTH - 1] + '…'
        return title, description

    # === THE WEBHOOK === #

    @api.model
    def _click_telegram_find(self, provider, payload):
        """The transaction of ``provider`` a Telegram payload signs, or an empty recordset when it is
        forged or names none."""
        reference = telegram.read_payload(provider._click_telegram_payload_secret(), payload)
        if reference is None:
            return self.browse()
        return self.search([('reference', '=', reference), ('provider_id', '=', provider.id)], limit=1)

    @api.model
    def _click_telegram_answer_pre_checkout(self, provider, query):
        """Answer Telegram's pre-checkout query (a ``telegram.PreCheckout``): the payment may go on only
        when the money rules hold; a refusal tells the payer why, in their language when this database
        has it active, else in English."""
        tx = self._click_telegram_find(provider, query.payload)
        if not tx:
            refusal = telegram.Refusal.UNKNOWN
        else:
            refusal = telegram.pre_checkout_refusal(
                query.currency, query.total_amount, tx.amount, provider.state, tx._click_telegram_payable(),
                tx._click_amount_left(),
            )
        lang = query.language if self.env['res.lang']._get_data(code=query.language) else 'en_US'
        message = refusal and messages.telegram_refusal(self.with_context(lang=lang).env, refusal)
        if refusal:
            _logger.warning("Telegram pre-checkout for %s refused: %s", tx.reference or "an unknown payload",
                            refusal.value)
        client = provider._click_get_telegram_client(timeout=const.TELEGRAM_PRE_CHECKOUT_TIMEOUT)
        try:
            client.answer_pre_checkout_query(query.query_id, not refusal, message)
        except BotApiError as error:  # Telegram cancels the payment after 10 s without an answer
            _logger.warning("Telegram pre-checkout for %s not answered: %s", tx.reference or "an unknown payload",
                            error)
        finally:
            client.close()

    def _click_telegram_payable(self):
        """Whether this transaction is a Telegram payment in so'm waiting for its money, of documents
        not cancelled."""
        self.ensure_one()
        return (
            self._click_is_telegram() and self.state in ('draft', 'pending') and self.operation != 'refund'
            and self.currency_id._click_is_supported()
            and self._click_status(shop.Kind.PREPARE) is not shop.TxStatus.CANCELLED
        )

    @api.model
    def _click_telegram_record_payment(self, provider, payment):
        """Record a payment made in Telegram (a ``telegram.Payment``) through the door.

        :return: False when Odoo could not apply it: Telegram is to deliver it again
        """
        tx = self._click_telegram_find(provider, payment.payload)
        if not tx:
            _logger.warning("Telegram payment %s of provider %s names no payment of Odoo's: check it in Click's "
                            "merchant cabinet", payment.telegram_charge_id, provider.id)
            return True
        data = tx._click_notification(
            'telegram', telegram_charge_id=payment.telegram_charge_id,
            provider_charge_id=payment.provider_charge_id, currency=payment.currency,
            total_amount=payment.total_amount,
        )
        try:
            tx._handle_notification_data('click', data)
        except ShopRejection as rejection:
            _logger.warning("Telegram payment %s for %s not applied, left for Telegram to deliver again: %s",
                            payment.telegram_charge_id, tx.reference, rejection.reason)
            return False
        _logger.info("Telegram payment %s for %s answered %s", payment.telegram_charge_id, tx.reference,
                     int(data['answer']))
        return True

    # === THE DOOR: A PAYMENT MADE IN TELEGRAM === #

    def _click_apply_telegram(self, data):
        """Apply Telegram's ``successful_payment`` on this transaction, whose row lock the caller holds.

        A redelivered update (the same Telegram charge) changes nothing. Another payment for a
        transaction or documents already paid gets the accountant a note and a to-do, as any double
        payment does; so does a payment of another amount or currency than asked, which is not recorded.

        :return: the decision applied
        """
        notice = shop.Notice(
            kind=shop.Kind.TELEGRAM, payment_id=data['telegram_charge_id'],
            amount=telegram.from_tiyin(data['total_amount']), error=0,
        )
        if data['currency'] == self.currency_id.name:
            decision = shop.decide(
                notice, self._click_status(notice.kind), self.id, self.amount,
                amount_left=self._click_amount_left(), held=self.click_telegram_charge_id or None,
            )
        else:
            decision = shop.Decision(shop.ShopError.INCORRECT_AMOUNT)
        if decision.code is shop.ShopError.INCORRECT_AMOUNT:  # money Telegram took that was not asked for
            self._click_alert_accountant(decision, notice, _(
                "Telegram reports a payment %(charge)s of %(paid)s %(currency)s for %(document)s, which was not "
                "recorded: the payment %(reference)s asks %(expected)s. Check it in Click's merchant cabinet and "
                "refund it.", **self._click_alert_values(notice), charge=data['telegram_charge_id'],
                paid=notice.amount, currency=data['currency'], reference=self.reference,
                expected=format_amount(self.env, self.amount, self.currency_id),
            ))
        self._click_apply_decision(decision, notice, {
            'click_telegram_charge_id': data['telegram_charge_id'],
            'click_telegram_provider_charge_id': data['provider_charge_id'],
        }, '')
        return decision

    # === AFTER THE PAYMENT: WHAT CLICK'S MERCHANT API DOES NOT KNOW === #
    #
    # Whether Telegram's provider_payment_charge_id is a payment Click's Merchant API knows is not
    # confirmed: Odoo never asks Click about a payment made in Telegram, never asks Click to reverse
    # it, and has its fiscal receipt issued from the merchant's cash register.

    def _click_sync_status(self, client=None):
        """Override of the Click status sync: Telegram reports its payments itself; Click is not asked."""
        if self.operation == 'refund' or not self._click_is_telegram():
            return super()._click_sync_status(client)
        return _("%s is paid in Telegram, which reports its payment to Odoo: Click's Merchant API is not "
                 "asked about it.", self.reference)

    def _send_refund_request(self, amount_to_refund=None):
        """Override of `payment` to refuse refunding a payment made in Telegram through Click's API."""
        if self.provider_code == 'click' and self._click_is_telegram():
            raise UserError(_(
                "%s was paid in Telegram: Click's Merchant API cannot reverse it. Refund it in Click's merchant "
                "cabinet (my.click.uz), then record the refund in Odoo.", self.reference,
            ))
        return super()._send_refund_request(amount_to_refund=amount_to_refund)

    def _click_queue_fiscal_receipts(self):
        """Override of the fiscal receipts: Click issues none for a payment made in Telegram, so the
        accountant gets a to-do to issue it from the cash register and attach it."""
        by_hand = self.filtered(
            lambda tx: tx.click_needs_receipt and tx.click_receipt_state not in ('done', 'failed')
            and tx._click_is_telegram()
        )
        for tx in by_hand:
            tx._click_receipt_failed(messages.telegram_receipt(
                self.env, tx._click_receipt_documents_name(), tx.click_telegram_charge_id,
            ))
        return super(PaymentTransaction, self - by_hand)._click_queue_fiscal_receipts()
