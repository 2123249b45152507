import logging
import threading

from odoo import SUPERUSER_ID, _, api, http
from odoo.http import request
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import parse_amount, to_decimal
from odoo.addons.payment_click.click_api.shop import ShopError, read_id
from odoo.addons.payment_click.click_api.shop_client import ShopClient
from odoo.addons.payment_click.emulator import cards, click

_logger = logging.getLogger(__name__)


class ClickEmulatorController(http.Controller):
    """Click's payment page and Click's app, played by Odoo for providers in test mode."""
    _payment_page_url = const.EMULATOR_PAYMENT_PAGE_URL
    _app_url = '/payment/click/emulator/app'

    @http.route(
        [_payment_page_url, f'{_payment_page_url}/'], type='http', auth='public',
        methods=['GET', 'POST'], csrf=False, save_session=False, website=True, sitemap=False,
    )
    def click_emulator_payment_page(self, **params):
        """Show the emulated payment page (GET) or play Click's side of a payment (POST)."""
        service_id = read_id(params.get('service_id') or '')
        provider_sudo = service_id and request.env['payment.provider'].sudo().search([
            ('code', '=', 'click'),
            ('state', '=', 'test'),
            ('click_service_id', '=', str(service_id)),
        ], limit=1)
        if not provider_sudo:
            return self._render_refusal(404, _(
                "No Click provider in test mode has the service_id \"%s\". The Click emulator only "
                "serves providers in test mode.", params.get('service_id') or '',
            ))
        amount = parse_amount(params.get('amount'))
        reference = params.get('transaction_param') or ''
        if amount is None or amount <= 0 or not reference or not reference.isprintable():
            return self._render_refusal(400, _(
                "The payment request needs a transaction_param and a positive amount in so'm, such "
                "as 15000.00."
            ))
        if request.httprequest.method == 'GET':
            tx_sudo = self._transaction(provider_sudo, reference)
            return request.render('payment_click.emulator_payment_page', {
                'provider': provider_sudo,
                'amount': self._format_amount(amount, provider_sudo, tx_sudo),
                'is_invoice': bool(tx_sudo.invoice_ids),
                'params': params,
                'inline': bool(params.get('inline')),
            })
        declined = params.get('outcome') == 'decline'
        self._start_payment(provider_sudo, reference, amount, declined=declined)
        if params.get('inline'):  # Opened by the emulator's checkout.js: its window reports Click's status.
            return request.render('payment_click.emulator_window_closed', {
                'status': click.CANCELLED_BY_CLICK if declined else click.CHECKOUT_PAID,
            })
        # Back to this server only: local=True drops any scheme and host from the address.
        return request.redirect(params.get('return_url') or '/payment/status', local=True)

    @http.route(
        _app_url, type='http', auth='public', methods=['GET', 'POST'], csrf=False, save_session=False,
        website=True, sitemap=False,
    )
    def click_emulator_app(self, phone='', invoice_id='', outcome='', pass_outcome='', processing_type='', **_params):
        """Show the invoices waiting for a Click user's phone (GET), or pay or decline one (POST).

        Merchants send these invoices through the Merchant API's ``invoice/create``. The page also
        shows the payer's CLICK Pass QR code; a POST with ``pass_outcome`` makes a new one that
        pays, waits for the merchant's confirmation, stays processing or fails.
        """
        if not request.env['payment.provider'].sudo().search_count(
            [('code', '=', 'click'), ('state', '=', 'test')], limit=1,
        ):
            return self._render_refusal(404, _(
                "No Click provider is in test mode. The Click emulator only serves providers in test mode."
            ))
        phone_number = click.read_phone(phone)
        codes = request.env['payment.click.emulator.pass'].sudo()
        if request.httprequest.method == 'POST' and pass_outcome:
            message, pass_code = codes._renew(phone_number, pass_outcome, processing_type)
        else:
            message = self._answer_invoice(invoice_id, outcome) if request.httprequest.method == 'POST' else None
            pass_code = codes._current(phone_number)
        if phone and not phone_number:
            message = _("Type a Click user's phone number: 12 digits starting with 998.")
        invoices = request.env['payment.click.emulator.invoice'].sudo()
        waiting = invoices._waiting_for(phone_number) if phone_number else invoices
        return request.render('payment_click.emulator_app_page', {
            'phone': phone_number or phone,
            'message': message,
            'invoices': waiting,
            'pass_code': pass_code,
            'texted_cards': request.env['payment.click.emulator.card.token'].sudo()._texted_to(phone_number),
            'sms_code': cards.SMS_CODE,
            'amounts': {invoice.id: self._format_amount(
                invoice.amount, invoice.provider_id, self._transaction(invoice.provider_id, invoice.merchant_trans_id),
            ) for invoice in waiting},
        })

    def _answer_invoice(self, invoice_id, outcome):
        """Pay or decline a waiting invoice as its payer, and say what happened."""
        invoice = read_id(invoice_id) and request.env['payment.click.emulator.invoice'].sudo().search([
            ('invoice_id', '=', invoice_id),
            ('invoice_status', '=', click.INVOICE_WAITING),
            ('provider_id.code', '=', 'click'),
            ('provider_id.state', '=', 'test'),
        ])
        if not invoice:
            return _("Invoice %s is not waiting for payment.", invoice_id)
        if outcome not in ('pay', 'decline'):
            return _("Press Pay or Decline.")
        invoice._mark_answered(paid=outcome == 'pay')
        if outcome == 'decline':
            return _("You declined invoice %(invoice)s for %(reference)s: nothing was charged.",
                     invoice=invoice_id, reference=invoice.merchant_trans_id)
        # Click asks the merchant (Prepare) before it debits: the payer sees a refusal at once.
        provider_sudo, amount = invoice.provider_id, to_decimal(invoice.amount)
        prepared = self._shop_client(provider_sudo).prepare(invoice.merchant_trans_id, amount)
        request.env['payment.click.emulator.payment'].sudo()._record(provider_sudo.id, prepared, declined=False)
        if prepared.error != ShopError.SUCCESS:
            invoice._mark_answered(paid=None)
            return _("The merchant refused the payment of invoice %(invoice)s for %(reference)s (error %(code)s: "
                     "%(note)s): nothing was charged.", invoice=invoice_id, reference=invoice.merchant_trans_id,
                     code=prepared.error, note=prepared.body.get('error_note') if prepared.body else prepared.text)
        self._start_payment(provider_sudo, invoice.merchant_trans_id, amount, prepared=prepared)
        return _("You paid invoice %(invoice)s for %(reference)s: Click is telling the merchant.",
                 invoice=invoice_id, reference=invoice.merchant_trans_id)

    @staticmethod
    def _transaction(provider_sudo, reference):
        return request.env['payment.transaction'].sudo().search(
            [('reference', '=', reference), ('provider_id', '=', provider_sudo.id)], limit=1,
        )

    @staticmethod
    def _format_amount(amount, provider_sudo, tx_sudo):
        """The amount as the payer reads it, in the currency of the transaction it pays."""
        return format_amount(request.env, float(amount), tx_sudo.currency_id or provider_sudo.main_currency_id)

    @staticmethod
    def _shop_client(provider_sudo):
        return ShopClient(
            provider_sudo.click_prepare_url, provider_sudo.click_complete_url,
            provider_sudo.click_service_id, provider_sudo.click_secret_key,
        )

    def _start_payment(self, provider_sudo, reference, amount, declined=False, prepared=None):
        """Play Click's side of one payment: Prepare unless ``prepared`` answered it already, the debit,
        and Complete unless the fault switch drops it.

        Click's servers call the merchant on their own; a thread lets this worker answer the payer
        first, so the callbacks never wait for it.
        """
        send_complete = request.env['payment.click.emulator.service'].sudo()._fault(provider_sudo) != 'drop_complete'
        threading.Thread(
            target=self._play_payment, name='click-emulator', daemon=True,
            args=(request.env.registry, provider_sudo.id, self._shop_client(provider_sudo), reference, amount,
                  declined, send_complete, prepared),
        ).start()

    @staticmethod
    def _play_payment(registry, provider_id, client, reference, amount, declined, send_complete, prepared):
        """Run on the emulator's thread: Click's calls, and the payment recorded once Prepare answered.

        The record has its own cursor, committed before Complete goes out, as Click knows of a
        payment before it tells the merchant.
        """
        def record(prepared):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env['payment.click.emulator.payment']._record(provider_id, prepared, declined)

        try:
            responses = client.pay(
                reference, amount, declined=declined, on_prepared=record, send_complete=send_complete,
                prepared=prepared,
            )
        except Exception:  # The emulator reports Click's view; a failure must not stay silent.
            _logger.exception("Click emulator could not play the payment of %s", reference)
            return
        for response in responses:
            _logger.info("Click emulator: action %s for %s answered %s %s", response.form['action'],
                         reference, response.status, response.text[:300])
        if not send_complete:
            _logger.info("Click emulator: the Complete of %s is dropped, as the fault switch asks", reference)

    @staticmethod
    def _render_refusal(status, message):
        _logger.warning("Click emulator refused a page: %s", message)
        return request.render('payment_click.emulator_refusal', {'message': message}, status=status)
