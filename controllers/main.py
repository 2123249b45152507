import logging
import time

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
    _cart_url = '/payment/click/cart'
    _invoice_url = '/payment/click/invoice'
    _phone_url = '/payment/click/phone'

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
        answer = request.env['payment.transaction'].sudo()._click_answer_callback(pairs)
        return request.make_json_response(answer)

    @http.route(_return_url, type='http', auth='public', methods=['GET'], website=True, sitemap=False)
    def click_return_from_checkout(self, reference=None, expires=None, access_token=None, **_kwargs):
        """Show the customer the state of the payment ``return_url`` was signed for.

        The browser that started the payment goes on to core's status page, which finishes the
        checkout (and lands here again when Click declined a shop order). Any other browser (the
        Click app opens the link in its own, SPEC §10.2) gets the payment's state, its order's
        number, total and items, and nothing that needs the document's portal token. Only Complete
        decides the state; the page reloads while it waits for it. A wrong or expired link says so.
        """
        tx_sudo = self._click_signed_transaction(reference, expires, access_token)
        if not tx_sudo:
            return request.render('payment_click.return_link_invalid', {'shop_url': self._click_shop_url()})
        lands_here = (tx_sudo.landing_route or '').startswith(self._return_url)
        if self._click_session_owns(tx_sudo) and not lands_here:
            return request.redirect('/payment/status')
        return request.render('payment_click.return_page', {
            'tx': tx_sudo,
            'documents': tx_sudo._click_linked_documents(),
            'waiting': tx_sudo.state in ('draft', 'pending'),
        })

    @http.route(_cart_url, type='http', auth='public', methods=['GET'], website=True, sitemap=False)
    def click_back_to_cart(self, **_kwargs):
        """Make the order of this browser's declined payment its cart again, and show the cart."""
        tx_sudo = request.env['payment.transaction'].sudo().browse(
            request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY)
        ).exists().filtered(lambda tx: tx.provider_code == 'click' and tx.state == 'cancel')
        order_sudo = tx_sudo._click_order_to_restore()
        if not order_sudo:
            return request.redirect(self._click_shop_url())
        request.session['sale_order_id'] = order_sudo.id
        request.session['website_sale_cart_quantity'] = order_sudo.cart_quantity
        return request.redirect('/shop/cart')

    @staticmethod
    def _click_signed_transaction(reference, expires, access_token):
        """The Click transaction a return link was signed for, if it is authentic and not expired.

        The token signs the reference and the expiry together, checked in constant time.
        """
        # compare_digest refuses non-ASCII text: such a token is simply wrong, not an error page.
        if not (reference and expires and access_token and access_token.isascii() and expires.isdigit()):
            return None
        if int(expires) < time.time() or not payment_utils.check_access_token(access_token, reference, expires):
            return None
        return request.env['payment.transaction'].sudo().search(
            [('reference', '=', reference), ('provider_code', '=', 'click')], limit=1,
        ) or None

    @staticmethod
    def _click_shop_url():
        """The eCommerce's product list, else the home page."""
        sale_order = request.env.registry.get('sale.order')
        return '/shop' if sale_order is not None and 'website_id' in sale_order._fields else '/'

    @staticmethod
    def _click_session_owns(tx_sudo):
        """Tell whether this browser started the payment: its status page follows it."""
        return tx_sudo.id == request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY)

    @http.route(_invoice_url, **VISITOR_JSON_ROUTE)
    def click_send_invoice(self, reference, phone, **_kwargs):
        """Send Click's invoice for the customer's draft payment to the number they typed (Click app).

        Only the browser that has just created the payment may: the one whose status page follows it.
        Each request counts against the limits on invoices (per phone, per browser session, per
        provider) before Click is called.

        :raise UserError: saying what to fix, when the number or the payment cannot be billed
        """
        tx_sudo = request.env['payment.transaction'].sudo().search(
            [('reference', '=', reference), ('provider_code', '=', 'click')], limit=1,
        )
        if not tx_sudo or tx_sudo.id != request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY):
            raise UserError(_("This payment can no longer be sent to the Click app; please start it again."))
        request.env['payment.click.attempt']._click_count(
            tx_sudo.provider_id, 'invoice', tx_sudo._click_normalize_phone(phone), request.session.sid,
        )
        tx_sudo._click_send_invoice(phone)
        return {'status_url': '/payment/status'}

    @http.route(_phone_url, **VISITOR_JSON_ROUTE)
    def click_check_phone(self, phone, **_kwargs):
        """Check the number typed for the Click app before the payment is created, and return it as Click reads it.

        A website route, so the refusal speaks the visitor's language.

        :raise UserError: saying which numbers Click's invoices go to
        """
        return {'phone': '+' + request.env['payment.transaction']._click_normalize_phone(phone)}
