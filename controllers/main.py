import logging

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing

_logger = logging.getLogger(__name__)

# The payment form's calls: answered in the visitor's language, the site's (from the page's address
# or the frontend_lang cookie), which only website routes get; others speak the session's language.
VISITOR_JSON_ROUTE = {'type': 'json', 'auth': 'public', 'website': True}


class ClickController(http.Controller):
    _prepare_url = '/payment/click/prepare'
    _complete_url = '/payment/click/complete'
    _return_url = '/payment/click/return'
    _invoice_url = '/payment/click/invoice'

    @http.route(
        [_prepare_url, _complete_url], type='http', auth='public', methods=['GET', 'POST'],
        csrf=False, save_session=False,
    )
    def click_shop_callback(self, **_kwargs):
        """Answer Click's Prepare and Complete calls, always with JSON and HTTP 200.

        Both URLs dispatch on the posted ``action``, as Click allows one URL for both. Anything
        but a form POST is answered like a request with missing fields: -8.
        """
        httprequest = request.httprequest
        pairs = list(httprequest.form.items(multi=True)) if httprequest.method == 'POST' else []
        if not pairs:
            _logger.warning(
                "Click callback without form fields: %s %s", httprequest.method, httprequest.mimetype
            )
        answer = request.env['payment.transaction'].sudo()._click_handle_shop_request(pairs)
        return request.make_json_response(answer)

    @http.route(_return_url, type='http', auth='public', methods=['GET'])
    def click_return_from_checkout(self, reference=None, access_token=None, **_kwargs):
        """Land the customer on the status page of the payment ``return_url`` was signed for.

        The Click app may open this link in another browser, without Odoo's session (SPEC §10.2).
        With a valid token, the transaction becomes the one this session's status page follows, as
        core Odoo does before ``/payment/status``; without one, the visitor gets the generic status
        page and nothing about the transaction. Only Complete decides the payment's state.
        """
        # compare_digest refuses non-ASCII text: such a token is simply wrong, not an error page.
        if reference and access_token and access_token.isascii() \
                and payment_utils.check_access_token(access_token, reference):
            tx_sudo = request.env['payment.transaction'].sudo().search(
                [('reference', '=', reference), ('provider_code', '=', 'click')], limit=1,
            )
            if tx_sudo:
                PaymentPostProcessing.monitor_transaction(tx_sudo)
        return request.redirect('/payment/status')

    @http.route(_invoice_url, **VISITOR_JSON_ROUTE)
    def click_send_invoice(self, reference, phone, **_kwargs):
        """Send Click's invoice for the customer's draft payment to the number they typed (Click app).

        Only the browser that has just created the payment may: the one whose status page follows it.

        :raise UserError: saying what to fix, when the number or the payment cannot be billed
        """
        tx_sudo = request.env['payment.transaction'].sudo().search(
            [('reference', '=', reference), ('provider_code', '=', 'click')], limit=1,
        )
        if not tx_sudo or tx_sudo.id != request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY):
            raise UserError(_("This payment can no longer be sent to the Click app; please start it again."))
        tx_sudo._click_send_invoice(phone)
        return {'status_url': '/payment/status'}
