import logging
import threading

from odoo import _, http
from odoo.http import request
from odoo.tools import format_amount

from odoo.addons.payment_click.click_api.amounts import parse_amount
from odoo.addons.payment_click.click_api.emulator import ShopClient

_logger = logging.getLogger(__name__)


class ClickEmulatorController(http.Controller):
    """Click's payment page, played by Odoo for providers in test mode."""
    _payment_page_url = '/payment/click/emulator/services/pay'

    @http.route(
        [_payment_page_url, f'{_payment_page_url}/'], type='http', auth='public',
        methods=['GET', 'POST'], csrf=False, save_session=False,
    )
    def click_emulator_payment_page(self, **params):
        """Show the emulated payment page (GET) or play Click's side of a payment (POST)."""
        provider_sudo = request.env['payment.provider'].sudo().search([
            ('code', '=', 'click'),
            ('state', '=', 'test'),
            ('click_service_id', '=', params.get('service_id') or ''),
        ], limit=1)
        if not provider_sudo:
            return self._render_refusal(404, _(
                "No Click provider in test mode has the service_id \"%s\". The Click emulator only "
                "serves providers in test mode.", params.get('service_id') or '',
            ))
        amount = parse_amount(params.get('amount'))
        reference = params.get('transaction_param') or ''
        if amount is None or amount <= 0 or not reference:
            return self._render_refusal(400, _(
                "The payment request needs a transaction_param and a positive amount in so'm, such "
                "as 15000.00."
            ))
        if request.httprequest.method == 'GET':
            tx_sudo = request.env['payment.transaction'].sudo().search(
                [('reference', '=', reference), ('provider_id', '=', provider_sudo.id)], limit=1,
            )
            return request.render('payment_click.emulator_payment_page', {
                'provider': provider_sudo,
                'amount': format_amount(
                    request.env, float(amount), tx_sudo.currency_id or provider_sudo.main_currency_id,
                ),
                'is_invoice': bool(tx_sudo.invoice_ids),
                'params': params,
            })
        client = ShopClient(
            provider_sudo.click_prepare_url, provider_sudo.click_complete_url,
            provider_sudo.click_service_id, provider_sudo.click_secret_key,
        )
        declined = params.get('outcome') == 'decline'
        # Click's servers call the merchant on their own; a thread lets this worker answer the
        # customer first, so the callbacks never wait for it.
        threading.Thread(
            target=self._play_payment, args=(client, reference, amount, declined),
            name='click-emulator', daemon=True,
        ).start()
        # Back to this server only: local=True drops any scheme and host from the address.
        return request.redirect(params.get('return_url') or '/payment/status', local=True)

    @staticmethod
    def _play_payment(client, reference, amount, declined):
        try:
            responses = client.pay(reference, amount, declined=declined)
        except Exception:  # The emulator reports Click's view; a failure must not stay silent.
            _logger.exception("Click emulator could not reach the merchant for %s", reference)
            return
        for response in responses:
            _logger.info("Click emulator: action %s for %s answered %s %s", response.form['action'],
                         reference, response.status, response.text[:300])

    @staticmethod
    def _render_refusal(status, message):
        _logger.warning("Click emulator refused a payment page: %s", message)
        return request.render('payment_click.emulator_refusal', {'message': message}, status=status)
