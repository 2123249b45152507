"""Checkout: a card typed in the payment form, confirmed with Click's SMS code, paid and saved."""
from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.payment_click.controllers.main import VISITOR_JSON_ROUTE


class ClickCardTokenController(http.Controller):
    """The two steps of a card typed at checkout: the card (Click texts a code), then the code.

    Only the browser that has just created the payment may take them: the one whose status page
    follows it. The card number and expiry go on to Click and are never stored, logged or echoed.
    """
    _request_url = '/payment/click/card/request'
    _verify_url = '/payment/click/card/verify'

    @http.route(_request_url, **VISITOR_JSON_ROUTE)
    def click_card_request(self, reference=None, card_number=None, expire_date=None, **_kwargs):
        """Ask Click for a token of the card; Click texts a code to the card's phone.

        Asked again with the same card, Click texts a new code: "Send a new code".

        :return: ``phone_number``, the masked phone Click texted
        :raise UserError: saying what to fix
        """
        tx_sudo = self._monitored_transaction(reference)
        return {'phone_number': tx_sudo._click_request_card_token(card_number, expire_date, request.session.sid)}

    @http.route(_verify_url, **VISITOR_JSON_ROUTE)
    def click_card_verify(self, reference=None, sms_code=None, **_kwargs):
        """Confirm the card with the code, pay with it and save it if asked; the status page tells how it went.

        :raise UserError: for a code Click refused, which the customer may type again
        """
        self._monitored_transaction(reference)._click_verify_card(sms_code)
        return {'status_url': '/payment/status'}

    @staticmethod
    def _monitored_transaction(reference):
        tx_sudo = request.env['payment.transaction'].sudo().search(
            [('reference', '=', reference), ('provider_code', '=', 'click')], limit=1,
        )
        if not tx_sudo or tx_sudo.id != request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY):
            raise UserError(_("This card payment can no longer go on; please start it again."))
        return tx_sudo
