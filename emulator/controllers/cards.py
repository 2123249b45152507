"""Test mode: Click's card-token calls of the Merchant API, kept in the database."""
from odoo import http
from odoo.http import request

from odoo.addons.payment_click.emulator import cards, click
from odoo.addons.payment_click.emulator.controllers.merchant import (
    _ROUTE,
    ClickMerchantEmulatorController,
    _json_answer,
)


class ClickCardTokenEmulatorController(http.Controller):
    """Click's card-token calls (SPEC §7.5.7-10), played by Odoo for providers in test mode."""
    _base_url = ClickMerchantEmulatorController._base_url + 'card_token/'

    @http.route(_base_url + 'request', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_card_token_request(self):
        body = ClickMerchantEmulatorController._json_body()
        provider = ClickMerchantEmulatorController._provider(body.get('service_id'))
        token = request.env['payment.click.emulator.card.token'].sudo()._request(provider, body)
        return click.success(card_token=token.card_token, phone_number=cards.MASKED_PHONE,
                                temporary=int(token.temporary))

    @http.route(_base_url + 'verify', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_card_token_verify(self):
        body = ClickMerchantEmulatorController._json_body()
        token = self._token(body.get('service_id'), body.get('card_token'))
        token._verify(body.get('sms_code'))
        return click.success(card_number=token.masked_card)

    @http.route(_base_url + 'payment', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_card_token_payment(self):
        body = ClickMerchantEmulatorController._json_body()
        card_token, amount, reference = cards.parse_token_payment(body)
        payment = self._token(body.get('service_id'), card_token)._pay(amount, reference)
        return click.success(payment_id=int(payment.payment_id), payment_status=payment.payment_status)

    @http.route(_base_url + '<service_id>/<card_token>', methods=['DELETE'], **_ROUTE)
    @_json_answer
    def click_emulator_card_token_delete(self, service_id, card_token):
        self._token(service_id, card_token).unlink()
        return click.success()

    @staticmethod
    def _token(service_id, card_token):
        provider = ClickMerchantEmulatorController._provider(service_id)
        return request.env['payment.click.emulator.card.token'].sudo()._find_one(
            provider, click.read_text(card_token, 'card_token'),
        )
