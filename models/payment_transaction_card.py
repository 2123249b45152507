"""Click card tokens on transactions (SPEC §7.5.7-9): save a card with Click's SMS code, charge it.

The card number and expiry pass through here on their way to Click and are never stored or logged.
Click's answer to a charge enters through the payment framework's door, ``_handle_notification_data``.
"""
import logging

from psycopg2.errors import LockNotAvailable

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import cards, shop
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError, MerchantBusinessError, outcome_unknown,
)
from odoo.addons.payment_click.click_api.shop import ShopRejection

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = 'payment.transaction'

    click_card_token = fields.Char(
        readonly=True, copy=False, groups='base.group_system',
        help="The token Click issued for the card typed at checkout, until its SMS code is confirmed.",
    )

    # === BUSINESS METHODS - PAYMENT FLOW === #

    def _send_payment_request(self):
        """Override of `payment` to charge the saved card at Click (SPEC §7.5.9).

        A charge Click refuses sets the transaction in error with Click's reason, which the status
        page and the documents' chatter show.

        :raise UserError: when the payment may not be charged at all; Click is not called then
        """
        super()._send_payment_request()
        if self.provider_code != 'click':
            return
        if not self.token_id:
            raise UserError(_("The payment %s has no saved card to charge.", self.reference))
        self._click_charge_card(self.token_id.provider_ref)

    # === BUSINESS METHODS - SAVING A CARD === #

    def _click_request_card_token(self, card_number, expire_date, session_id):
        """Ask Click for a token of the card typed for this payment; Click texts a code to its owner.

        The token is one-time unless the customer asked to save the card. Each request counts
        against the limits on SMS codes (per card, per browser session, per provider), under the
        transaction's row lock and before Click is called; the count stays whatever follows.

        :param str session_id: the visitor's browser session
        :return: the masked phone number Click texted
        :raise UserError: saying what to fix, when the card or the payment cannot be used
        """
        self.ensure_one()
        card_number = cards.read_card_number(card_number)
        if card_number is None:
            raise UserError(_("Check the card number: Uzcard and Humo cards have 16 digits."))
        expire_date = cards.read_expire_date(expire_date, fields.Date.context_today(self))
        if expire_date is None:
            raise UserError(_("Check the expiry date: the month and year printed on the card, as MMYY "
                              "(for example 0329), of a card that has not expired."))
        self._click_lock_card_step()
        self._click_check_card_payment()
        self.env['payment.click.attempt']._click_count(self.provider_id, 'sms_code', card_number, session_id)
        client = self.provider_id._click_get_merchant_client()
        if previous := self.sudo().click_card_token:  # another card, or a new code, for the same payment
            self.sudo().click_card_token = False
            self._click_delete_card_token(previous, client)
        try:
            answer = client.request_card_token(card_number, expire_date, temporary=not self.tokenize)
        except MerchantApiError as error:
            raise UserError(self._click_card_error(_("Click did not accept this card"), error)) from None
        if not answer.get('card_token'):
            raise UserError(_("Click did not issue a token for this card; please try again."))
        self.sudo().click_card_token = answer['card_token']
        return answer.get('phone_number') or ''

    def _click_verify_card(self, sms_code):
        """Confirm the card with the code of Click's SMS, pay with it and, if asked, save it.

        A refused payment sets the transaction in error and deletes the card's token at Click: no
        card is saved from a payment Click refused. A payment Click is still processing saves the
        card, whose SMS code Click verified. A validation (a card added from the customer's
        account) only saves the card.

        :raise UserError: for a wrong or expired code, which the customer may type again
        """
        self.ensure_one()
        sms_code = cards.read_sms_code(sms_code)
        if sms_code is None:
            raise UserError(_("Type the code from Click's SMS: its digits only."))
        self._click_check_card_payment()
        card_token = self.sudo().click_card_token
        if not card_token:
            raise UserError(_("Enter the card again to get a new code."))
        client = self.provider_id._click_get_merchant_client()
        try:
            answer = client.verify_card_token(card_token, sms_code)
        except MerchantApiError as error:
            raise UserError(self._click_card_error(_("Click did not accept the code"), error)) from None
        self.sudo().click_card_token = False
        if self.operation == 'validation':  # "Add a payment method" in the customer's account: nothing to pay
            self._click_save_card(card_token, answer.get('card_number'))
            self._set_done()
            return
        try:
            self._click_charge_card(card_token)
        except UserError as error:  # refused before Click was called
            self._set_error(error.args[0])
        if self.state in ('error', 'cancel'):  # refused, or failed at Click: no card is kept
            self._click_delete_card_token(card_token, client)
            return
        if self.tokenize and self.state in ('pending', 'done'):
            self._click_save_card(card_token, answer.get('card_number'))

    def _click_save_card(self, card_token, masked_number):
        """Save the card Click verified as the customer's token, with the number as Click masked it."""
        token = self.env['payment.token'].create({
            'provider_id': self.provider_id.id,
            'payment_method_id': self.payment_method_id.id,
            'partner_id': self.partner_id.id,
            'provider_ref': card_token,
            'payment_details': cards.scrub_card_numbers(masked_number or ''),
        })
        self.write({'token_id': token.id, 'tokenize': False})
        self._log_message_on_linked_documents(_(
            "The card %(card)s was saved for %(partner)s's next Click payments.",
            card=token.payment_details, partner=self.partner_id.display_name,
        ))
        _logger.info("Click card %s saved for %s (token #%s)", token.payment_details, self.reference, token.id)

    def _click_lock_card_step(self):
        """Row-lock this payment for a card step until commit; refuse while another one is under way.

        :raise UserError: when another request of this payment holds the lock
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM payment_transaction WHERE id = %s FOR NO KEY UPDATE NOWAIT", self.id,
                ), log_exceptions=False)
        except LockNotAvailable:
            raise UserError(_("Click is already sending a code for this payment; please wait a moment.")) from None

    def _click_check_card_payment(self):
        """Refuse, saying why, a card step for anything but a draft card payment made at checkout."""
        self.ensure_one()
        if self.provider_code != 'click' or self.payment_method_code != const.CARD_PAYMENT_METHOD_CODE \
                or self.operation not in ('online_direct', 'validation'):
            raise UserError(_("%s is not a Click card payment.", self.reference))
        if self.state != 'draft':
            raise UserError(_("%s is no longer waiting for payment; please start again.", self.reference))
        self._ensure_provider_is_not_disabled()

    def _click_card_error(self, what, error):
        """What the customer reads when Click refused or could not be asked; card numbers masked."""
        if isinstance(error, MerchantBusinessError):
            note = cards.scrub_card_numbers(error.error_note or _("no reason given"))
            return _("%(what)s: %(note)s.", what=what, note=note)
        _logger.warning("Click card step of %s failed: %s", self.reference, error)
        return _("%s: Click is not answering right now. Please try again in a few minutes.", what)

    def _click_delete_card_token(self, card_token, client):
        """Delete at Click a card token that will not be used; a failure is only logged."""
        try:
            client.delete_card_token(card_token)
        except MerchantApiError as error:
            _logger.warning("Click card token of %s left at Click: %s", self.reference, error)

    # === BUSINESS METHODS - CHARGING A CARD === #

    def _click_charge_card(self, card_token):
        """Charge ``card_token`` for this draft payment (SPEC §7.5.9); Click's answer goes through the door.

        A refusal sets the transaction in error. When Click's answer is lost or says the payment is
        still processing, the transaction waits pending, and the status sync asks Click about it later.

        :raise UserError: when the payment may not be charged; Click is not called, nothing changed then
        """
        self.ensure_one()
        self._click_check_chargeable()
        # Click may charge the card from here on: whatever happens to this request afterwards, the
        # payment stays on record, and the status sync (whose clock starts now) resolves it.
        self.click_charge_date = fields.Datetime.now()
        self._click_commit()  # the payment is on record before Click charges
        tx = self._click_lock_transaction(self.reference, self.provider_id)
        try:
            tx._click_check_chargeable()  # again, under the lock: another charge may have come first
        except UserError as error:  # the payment is on record already: it ends in error, not left draft
            tx._set_error(error.args[0])
            return
        data = tx._click_notification('card', payment_id=None, payment_status=None, refused=False)
        try:
            client = tx.provider_id._click_get_merchant_client()
            answer = client.pay_with_card_token(card_token, tx.amount, tx.reference)
        except MerchantApiError as error:
            data['refused'] = not outcome_unknown(error)
            data['state_message'] = tx._click_charge_refusal(error) if data['refused'] else _(
                "Click did not say whether it took the payment (%s). Odoo asks Click again shortly.",
                messages.merchant_error(self.env, error),
            )
        else:
            data['payment_id'] = shop.read_id(str(answer.get('payment_id') or ''))
            data['payment_status'] = answer.get('payment_status')
            data['state_message'] = _(
                "Click is processing the card payment %s; Odoo asks Click again shortly.", data['payment_id'] or '',
            )
        try:
            tx._handle_notification_data('click', data)
        except ShopRejection as rejection:  # Click took the money: the status sync tries again
            _logger.warning("Click card payment %s of %s not applied: %s", data['payment_id'], tx.reference,
                            rejection.reason)
            tx._click_leave_charge_pending(_("Click took the card payment %s; Odoo records it shortly.",
                                             data['payment_id']))

    def _click_charge_refusal(self, error):
        """The message for a card charge Click refused; no money was taken."""
        note = cards.scrub_card_numbers(
            isinstance(error, MerchantBusinessError) and error.error_note or messages.merchant_error(self.env, error)
        )
        return _(
            "Click refused the card payment %(reference)s: %(note)s. No money was taken. Use another card "
            "or payment method; a saved card Click no longer knows can be removed and added again.",
            reference=self.reference, note=note,
        )
