"""Click's card tokens as the test-mode emulator keeps them (SPEC §7.5.7-10), in the database."""
from odoo import api, fields, models

from odoo.addons.payment_click.click_api.shop import PAYMENT_PROCESSING, PAYMENT_SUCCESSFUL
from odoo.addons.payment_click.click_api.shop_client import new_click_id
from odoo.addons.payment_click.emulator import cards, click
from odoo.addons.payment_click.emulator.cards import CardCode, CardOutcome
from odoo.addons.payment_click.emulator.click import MerchantRefusal


class PaymentClickEmulatorCardToken(models.Model):
    _name = 'payment.click.emulator.card.token'
    _description = "Click Emulator Card Token"
    _order = 'id desc'
    _rec_name = 'masked_card'

    provider_id = fields.Many2one('payment.provider', required=True, index=True, ondelete='cascade')
    card_token = fields.Char(required=True, index=True, default=lambda self: cards.new_card_token())
    masked_card = fields.Char(required=True, help="Only the masked number: the emulator never keeps a card number.")
    outcome = fields.Selection(
        selection=[(outcome.value, outcome.name.replace('_', ' ').capitalize()) for outcome in CardOutcome],
        required=True,
    )
    temporary = fields.Boolean(help="Deleted after its first payment.")
    verified = fields.Boolean()
    code_attempts = fields.Integer(help="Wrong SMS codes typed so far.")
    requested_at = fields.Datetime(default=fields.Datetime.now, required=True, help="When Click texted the code.")

    _sql_constraints = [('card_token_unique', 'UNIQUE(card_token)', "Click's card tokens are unique.")]

    @api.model
    def _request(self, provider, body):
        """Issue a token for the card of a ``card_token/request`` body; Click would now text the code."""
        token_request = cards.parse_token_request(body, fields.Date.context_today(self))
        return self.create({
            'provider_id': provider.id,
            'masked_card': token_request.masked_card,
            'outcome': token_request.outcome.value,
            'temporary': token_request.temporary,
        })

    @api.model
    def _texted_to(self, phone_number):
        """The tokens whose SMS code Click has texted to ``phone_number`` and still waits for, newest first."""
        if phone_number != click.PAYER_PHONE:
            return self.browse()
        return self.search([
            ('verified', '=', False),
            ('code_attempts', '<', cards.MAX_CODE_ATTEMPTS),
            ('requested_at', '>=', fields.Datetime.now() - cards.CODE_LIFETIME),
        ])

    @api.model
    def _find_one(self, provider, card_token):
        """:raise MerchantRefusal: when ``provider`` has no such token (deleted, or never issued)"""
        token = self.search([('provider_id', '=', provider.id), ('card_token', '=', str(card_token))])
        if not token:
            raise MerchantRefusal(CardCode.TOKEN_NOT_FOUND, "Card token not found or expired")
        return token

    def _verify(self, sms_code):
        """Confirm the token with the SMS code; a wrong code counts against it."""
        self.ensure_one()
        try:
            cards.check_sms_code(sms_code, self.code_attempts, self.requested_at, fields.Datetime.now())
        except MerchantRefusal as refusal:
            if refusal.error_code == CardCode.WRONG_SMS_CODE:
                self.code_attempts += 1
            raise
        self.verified = True

    def _pay(self, amount, reference):
        """Debit the card (SPEC §7.5.9) and record the payment where the status calls find it.

        :return: the emulated payment
        """
        self.ensure_one()
        if not self.verified:
            raise MerchantRefusal(CardCode.NOT_VERIFIED, "Card token is not verified")
        if self.outcome == CardOutcome.INSUFFICIENT_FUNDS.value:
            raise MerchantRefusal(CardCode.INSUFFICIENT_FUNDS, "Insufficient funds on the card")
        payment_id = str(new_click_id())
        payment = self.env['payment.click.emulator.payment'].create({
            'provider_id': self.provider_id.id,
            'payment_id': payment_id,
            'click_trans_id': payment_id,
            'merchant_trans_id': reference,
            'amount': float(amount),
            'payment_status': PAYMENT_PROCESSING if self.outcome == CardOutcome.PROCESSING.value
            else PAYMENT_SUCCESSFUL,
            'status_note': f"Paid with card token ({self.masked_card})",
        })
        if self.temporary:
            self.unlink()
        return payment
