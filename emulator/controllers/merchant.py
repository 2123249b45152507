import functools
import logging
import time

from odoo import http
from odoo.http import request

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import merchant
from odoo.addons.payment_click.emulator import click
from odoo.addons.payment_click.emulator.click import MerchantCode, MerchantRefusal

_logger = logging.getLogger(__name__)
_ROUTE = {'type': 'http', 'auth': 'public', 'csrf': False, 'save_session': False}


def _json_answer(endpoint):
    """Answer with the JSON object ``endpoint`` returns, or with the refusal it raises."""
    @functools.wraps(endpoint)
    def answer(self, *args, **kwargs):
        try:
            return request.make_json_response(endpoint(self, *args, **kwargs))
        except MerchantRefusal as refusal:
            _logger.info("Click emulator refused %s %s: HTTP %s, %s", request.httprequest.method,
                         request.httprequest.path, refusal.http_status, refusal.error_note)
            return request.make_json_response(refusal.answer(), status=refusal.http_status)
    return answer


class ClickMerchantEmulatorController(http.Controller):
    """Click's Merchant API (SPEC §7), played by Odoo for providers in test mode.

    Each call is checked in Click's order: the service, the ``Auth`` header, the provider's fault
    switch, then the call's own values.
    """
    _base_url = const.EMULATOR_MERCHANT_API_URL

    @http.route(_base_url + 'invoice/create', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_invoice_create(self):
        body = self._json_body()
        provider = self._provider(body.get('service_id'))
        invoice_request = click.parse_invoice_request(body)
        invoice = request.env['payment.click.emulator.invoice'].sudo().create({
            'provider_id': provider.id,
            'amount': float(invoice_request.amount),
            'phone_number': invoice_request.phone_number,
            'merchant_trans_id': invoice_request.merchant_trans_id,
        })
        return click.success(invoice_id=int(invoice.invoice_id))

    @http.route(_base_url + 'invoice/status/<service_id>/<invoice_id>', methods=['GET'], **_ROUTE)
    @_json_answer
    def click_emulator_invoice_status(self, service_id, invoice_id):
        provider = self._provider(service_id)
        invoice = request.env['payment.click.emulator.invoice'].sudo()._find_one(
            provider, click.read_click_id(invoice_id, 'invoice_id'),
        )
        return click.success(
            invoice_status=invoice.invoice_status, invoice_status_note=invoice.invoice_status_note,
        )

    @http.route(_base_url + 'payment/status/<service_id>/<payment_id>', methods=['GET'], **_ROUTE)
    @_json_answer
    def click_emulator_payment_status(self, service_id, payment_id):
        payment = self._payment(service_id, payment_id)
        return click.success(payment_id=int(payment.payment_id), payment_status=payment.payment_status)

    @http.route([
        _base_url + 'payment/status_by_mti/<service_id>/<merchant_trans_id>',
        _base_url + 'payment/status_by_mti/<service_id>/<merchant_trans_id>/<day>',
    ], methods=['GET'], **_ROUTE)
    @_json_answer
    def click_emulator_payment_status_by_mti(self, service_id, merchant_trans_id, day=None):
        """SPEC §7.5.4, with or without the date (§11 F); the fault switch may make the oldest attempt answer."""
        provider = self._provider(service_id)
        payment = request.env['payment.click.emulator.payment'].sudo()._find_by_reference(
            provider, click.read_text(merchant_trans_id, 'merchant_trans_id'),
            day and click.read_date(day), oldest=self._fault(provider) == 'oldest_attempt',
        )
        return click.success(
            payment_id=int(payment.payment_id), merchant_trans_id=payment.merchant_trans_id,
            payment_status=payment.payment_status,
        )

    @http.route(_base_url + 'payment/reversal/<service_id>/<payment_id>', methods=['DELETE'], **_ROUTE)
    @_json_answer
    def click_emulator_payment_reversal(self, service_id, payment_id):
        payment = self._payment(service_id, payment_id)
        payment._reverse()
        self._answer_reversal_late(payment.provider_id)
        return click.success(payment_id=int(payment.payment_id))

    @http.route(
        _base_url + 'payment/partial_reversal/<service_id>/<payment_id>/<amount>', methods=['DELETE'], **_ROUTE,
    )
    @_json_answer
    def click_emulator_payment_partial_reversal(self, service_id, payment_id, amount):
        payment = self._payment(service_id, payment_id)
        payment._reverse(click.read_amount(amount))
        self._answer_reversal_late(payment.provider_id)
        return click.success()

    @http.route(_base_url + 'payment/ofd_data/submit_items', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_ofd_submit_items(self):
        """SPEC §9.1: the receipt is checked like §9 and, once accepted, gets its QR address."""
        body = self._json_body()
        self._payment(body.get('service_id'), body.get('payment_id'))._submit_fiscal_items(body)
        return click.success()

    @http.route(_base_url + 'payment/ofd_data/submit_qrcode', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_ofd_submit_qrcode(self):
        """SPEC §9.2."""
        body = self._json_body()
        self._payment(body.get('service_id'), body.get('payment_id'))._submit_fiscal_qrcode(body.get('qrcode'))
        return click.success()

    @http.route(_base_url + 'payment/ofd_data/<service_id>/<payment_id>', methods=['GET'], **_ROUTE)
    @_json_answer
    def click_emulator_ofd_data(self, service_id, payment_id):
        """SPEC §9.3, answered like Click's example: camelCase, without error_code."""
        payment = self._payment(service_id, payment_id)
        return click.fiscal_data_answer(payment.payment_id, payment.fiscal_qr_url)

    # === CLICK Pass (SPEC §8): the logic is in emulator/click_pass.py and its model === #

    @http.route(_base_url + 'click_pass/payment', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_pass_payment(self):
        body = self._json_body()
        return request.env['payment.click.emulator.pass'].sudo()._pay(self._provider(body.get('service_id')), body)

    @http.route(_base_url + 'click_pass/confirm', methods=['POST'], **_ROUTE)
    @_json_answer
    def click_emulator_pass_confirm(self):
        body = self._json_body()
        self._payment(body.get('service_id'), body.get('payment_id'))._pass_confirm()
        return click.success(error_note="Платеж подтвержден")

    @http.route(_base_url + 'click_pass/confirmation/<service_id>', methods=['PUT', 'DELETE'], **_ROUTE)
    @_json_answer
    def click_emulator_pass_confirmation(self, service_id):
        enable = request.httprequest.method == 'PUT'
        request.env['payment.click.emulator.service'].sudo()._of(self._provider(service_id)).pass_confirm = enable
        return click.success(error_note="Режим подтверждения включен" if enable else "Режим подтверждения выключен")

    @http.route(_base_url + '<path:path>', **_ROUTE)
    @_json_answer
    def click_emulator_unknown_method(self, path, **_params):
        raise MerchantRefusal(
            MerchantCode.NOT_FOUND, f"The emulator has no Merchant API method {request.httprequest.method} {path}.",
            http_status=404,
        )

    @staticmethod
    def _json_body():
        """Return the request's JSON object.

        :raise MerchantRefusal: 400 when the body is not one
        """
        try:
            body = request.get_json_data()
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            raise click.bad_request("The body must be a JSON object.")
        return body

    @staticmethod
    def _provider(service_id):
        """Return the test-mode provider of ``service_id`` once the call passed its ``Auth`` check.

        :raise MerchantRefusal: for an unknown service (404), a refused ``Auth`` header (401), or
            what the provider's fault switch asks for
        """
        service_id = click.read_click_id(service_id, 'service_id')
        provider = request.env['payment.provider'].sudo()._click_find_by_service_id(service_id).filtered(
            lambda p: p.state == 'test'
        )[:1]
        if not provider:
            raise MerchantRefusal(MerchantCode.NOT_FOUND, f"No Click provider in test mode has the service_id "
                                                          f"{service_id}: the emulator serves only those.", 404)
        problem = merchant.check_auth(request.httprequest.headers.get('Auth'), provider.click_merchant_user_id,
                                      provider.click_secret_key, time.time())
        if problem:
            raise MerchantRefusal(MerchantCode.FAILED, f"Authentication failed: {problem}.", 401)
        fault = ClickMerchantEmulatorController._fault(provider)
        if fault == 'slow':
            time.sleep(const.MERCHANT_API_TIMEOUT[1] + 1)
        click.check_fault(fault)
        return provider

    @staticmethod
    def _fault(provider):
        return request.env['payment.click.emulator.service'].sudo()._fault(provider)

    @staticmethod
    def _answer_reversal_late(provider):
        """Lose the answer of a reversal carried out, when the fault switch asks: the reversal is
        committed, and the answer comes after the client has given up."""
        if ClickMerchantEmulatorController._fault(provider) == 'slow_reversal':
            request.env.cr.commit()
            time.sleep(const.MERCHANT_API_TIMEOUT[1] + 1)

    def _payment(self, service_id, payment_id):
        provider = self._provider(service_id)
        return request.env['payment.click.emulator.payment'].sudo()._find_one(
            provider, click.read_click_id(payment_id, 'payment_id'),
        )
