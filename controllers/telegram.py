import hmac
import json
import logging

from odoo import http
from odoo.http import request

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import telegram

_logger = logging.getLogger(__name__)


class ClickTelegramController(http.Controller):
    _webhook_url = '/payment/click/telegram/webhook'

    @http.route(f'{_webhook_url}/<int:provider_id>', type='http', auth='public', methods=['POST'], csrf=False,
                save_session=False)
    def click_telegram_webhook(self, provider_id):
        """Read one update Telegram posts for the provider's bot (setWebhook): a pre-checkout query or a
        successful payment; anything else is answered 200 and left alone.

        A payment Odoo could not apply is answered 500, for Telegram to deliver it again. An update
        without the provider's secret header changes nothing and is answered 403, not 200:
        Telegram keeps an update it could not deliver and tries again, so a payment made while the
        secret Telegram holds is stale (a bot connected again elsewhere) is recorded once the bot is
        connected again, instead of being dropped.
        """
        provider = request.env['payment.provider'].sudo().browse(provider_id).exists()
        expected = provider.click_telegram_webhook_secret if provider.code == 'click' else None
        received = request.httprequest.headers.get(const.TELEGRAM_SECRET_HEADER) or ''
        if not expected or not hmac.compare_digest(received.encode(), expected.encode()):
            _logger.warning("Telegram update for provider %s refused: wrong or missing secret header", provider_id)
            return request.make_json_response({}, status=403)
        try:
            update = json.loads(request.httprequest.get_data())
        except ValueError:
            update = None
        read = telegram.read_update(update)
        transactions = request.env['payment.transaction'].sudo()
        if isinstance(read, telegram.PreCheckout):
            transactions._click_telegram_answer_pre_checkout(provider, read)
        elif isinstance(read, telegram.Payment) and not transactions._click_telegram_record_payment(provider, read):
            return request.make_json_response({}, status=500)  # not applied: Telegram delivers it again
        return request.make_json_response({})
