"""Telegram's side of test mode: the bots of Click providers in test mode, and the invoices they send.

Odoo runs several worker processes, and the bot's answer to a pre-checkout query comes in another
request than the payer's: the emulator keeps every state here, and PostgreSQL's row locks decide
which of the answer and Telegram's 10 seconds comes first.
"""
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.payment_click.click_api.shop_client import new_click_id
from odoo.addons.payment_click.emulator import telegram


class PaymentClickEmulatorService(models.Model):
    _inherit = 'payment.click.emulator.service'

    telegram_fault = fields.Selection(
        selection=telegram.FAULTS, default='none', required=True,
        help="Make the emulated Telegram misbehave the way Telegram and networks can, to see how Odoo copes.",
    )

    @api.model
    def _telegram_fault(self, provider):
        """The fault the emulated Telegram plays for ``provider``: 'none' until one is set."""
        return self.search([('provider_id', '=', provider.id)]).telegram_fault or 'none'


class PaymentClickEmulatorTelegramBot(models.Model):
    _name = 'payment.click.emulator.telegram.bot'
    _description = "Click Emulator Telegram Bot"
    _order = 'id desc'
    _rec_name = 'username'

    provider_id = fields.Many2one('payment.provider', required=True, index=True, ondelete='cascade')
    token = fields.Char(required=True, index=True, groups='base.group_system')
    username = fields.Char(required=True)
    webhook_url = fields.Char()
    webhook_secret = fields.Char(groups='base.group_system')
    allowed_updates = fields.Char(default='[]', help="The update kinds setWebhook asked for, as JSON.")
    last_update_id = fields.Integer(help="Telegram numbers a bot's updates in sequence.")
    last_error_date = fields.Datetime(help="When the webhook last failed to take an update.")
    last_error_message = fields.Char()

    _sql_constraints = [('token_unique', 'UNIQUE(token)', "A token belongs to one bot.")]

    @api.model
    def _of_token(self, token):
        """The bot of ``token``: the one of the Click provider in test mode that holds the token. Telegram
        keeps knowing a bot while its provider is disabled, and takes its answers.

        :raise BotApiRefusal: 401, as Telegram answers a token it does not know
        """
        if telegram.bot_id(token) is None:
            raise telegram.UNAUTHORIZED
        bot = self.search([('token', '=', token), ('provider_id.state', '=', 'disabled')], limit=1)
        if bot:
            return bot
        provider = self.env['payment.provider'].search([
            ('code', '=', 'click'), ('state', '=', 'test'), ('click_telegram_bot_token', '=', token),
        ], limit=1)
        if not provider:
            raise telegram.UNAUTHORIZED
        return self.search([('token', '=', token)]) or self.create({
            'provider_id': provider.id, 'token': token, 'username': telegram.bot_username(token),
        })

    def _user(self):
        """getMe's answer."""
        return telegram.get_me(self.token, self.provider_id.company_id.name)

    def _set_webhook(self, webhook):
        self.write({
            'webhook_url': webhook.url, 'webhook_secret': webhook.secret_token,
            'allowed_updates': json.dumps(webhook.allowed_updates), 'last_error_date': False,
            'last_error_message': False,
        })

    def _webhook_info(self):
        info = {
            'url': self.webhook_url or '', 'has_custom_certificate': False, 'pending_update_count': 0,
            'max_connections': 40, 'allowed_updates': json.loads(self.allowed_updates or '[]'),
        }
        if self.last_error_date:
            info.update(last_error_date=int(self.last_error_date.timestamp()),
                        last_error_message=self.last_error_message)
        return info

    def _next_update_id(self):
        """The next number of this bot's updates, counted under the bot's row lock."""
        self.env.cr.execute(SQL(
            "UPDATE payment_click_emulator_telegram_bot SET last_update_id = COALESCE(last_update_id, 0) + 1 "
            "WHERE id = %s RETURNING last_update_id", self.id,
        ))
        update_id = self.env.cr.fetchone()[0]
        self.invalidate_recordset(['last_update_id'])
        return update_id

    def _record_delivery(self, status):
        """Keep what getWebhookInfo reports of a delivery that the webhook answered with HTTP ``status``."""
        if status == 200:
            return
        self.write({'last_error_date': fields.Datetime.now(), 'last_error_message': telegram.webhook_error(status)})


class PaymentClickEmulatorTelegramInvoice(models.Model):
    _name = 'payment.click.emulator.telegram.invoice'
    _description = "Click Emulator Telegram Invoice"
    _order = 'id desc'
    _rec_name = 'title'

    bot_id = fields.Many2one('payment.click.emulator.telegram.bot', required=True, index=True, ondelete='cascade')
    slug = fields.Char(required=True, index=True, default=lambda self: telegram.new_slug())
    title = fields.Char(required=True)
    description = fields.Char(required=True)
    payload = fields.Char(required=True)
    provider_token = fields.Char(required=True, groups='base.group_system')
    currency = fields.Char(required=True)
    total = fields.Float(digits=(20, 0), required=True, help="In the currency's smallest unit: tiyin.")
    chat_id = fields.Char(help="The chat sendInvoice sent the invoice to; none for a link.")
    state = fields.Selection(
        selection=[('open', "Open"), ('paying', "Paying"), ('paid', "Paid"), ('refused', "Refused by the bot"),
                   ('cancelled', "Cancelled: no answer in time")],
        default='open', required=True,
    )
    language_code = fields.Char(help="The payer's language, as Telegram tells the bot.")
    query_id = fields.Char(string="Pre-Checkout Query", index=True)
    query_sent_at = fields.Datetime()
    query_state = fields.Selection(
        selection=[('waiting', "Waiting for the bot"), ('ok', "Accepted"), ('refused', "Refused"),
                   ('expired', "Not answered in time")],
    )
    error_message = fields.Char(help="The bot's reason for refusing the payment, shown to the payer.")
    telegram_charge_id = fields.Char()
    provider_charge_id = fields.Char(help="Click's id of the payment, which its Merchant API does not know.")

    _sql_constraints = [('slug_unique', 'UNIQUE(slug)', "Invoice links are unique.")]

    @api.model
    def _create_for(self, bot, invoice, chat_id=None):
        return self.create({
            'bot_id': bot.id, 'title': invoice.title, 'description': invoice.description,
            'payload': invoice.payload, 'provider_token': invoice.provider_token, 'currency': invoice.currency,
            'total': invoice.total, 'chat_id': chat_id,
        })

    @api.model
    def _of_slug(self, slug):
        """The invoice of the link ``slug``, while its bot's provider is in test mode."""
        return self.search([('slug', '=', slug or ''), ('bot_id.provider_id.state', '=', 'test')], limit=1)

    def _lock(self):
        """Lock the invoice's row: the payer's Pay, the bot's answer and Telegram's clock take turns. A turn
        taken under an older snapshot fails as a serialization failure, which its caller tries again: that is
        no error to log."""
        self.env.cr.execute(SQL("SELECT id FROM payment_click_emulator_telegram_invoice WHERE id = %s FOR UPDATE",
                                self.id), log_exceptions=False)
        self.invalidate_recordset()

    def _start_paying(self, language_code):
        """The payer pressed Pay: True when a payment starts, False when one is under way or done."""
        self.ensure_one()
        self._lock()
        if self.state not in ('open', 'refused', 'cancelled'):
            return False
        self.write({'state': 'paying', 'language_code': language_code, 'query_id': False, 'query_state': False,
                    'query_sent_at': False, 'error_message': False})
        return True

    def _send_pre_checkout_query(self):
        """Ask the bot (the update to deliver), or None when the payment is no longer under way."""
        self.ensure_one()
        self._lock()
        if self.state != 'paying' or self.query_id:
            return None
        self.write({'query_id': telegram.new_query_id(), 'query_state': 'waiting',
                    'query_sent_at': fields.Datetime.now()})
        return telegram.pre_checkout_query_update(
            self.bot_id._next_update_id(), self.query_id, self.language_code, self.currency, int(self.total),
            self.payload,
        )

    def _answer(self, answer, late):
        """The bot's answerPreCheckoutQuery, taken when it comes in Telegram's 10 seconds.

        :param bool late: the fault switch makes the answer arrive too late
        :raise BotApiRefusal: for an unknown, answered or expired query
        """
        self.ensure_one()
        self._lock()
        if self.query_id != answer.query_id or self.query_state != 'waiting':
            raise telegram.bad_request("QUERY_ID_INVALID")
        if late or self._query_expired():
            self._expire()
            raise telegram.bad_request(telegram.TOO_OLD.removeprefix("Bad Request: "))
        if answer.ok:
            self.query_state = 'ok'
        else:
            self.write({'query_state': 'refused', 'state': 'refused', 'error_message': answer.error_message})

    def _query_expired(self):
        return fields.Datetime.now() - self.query_sent_at > timedelta(seconds=telegram.PRE_CHECKOUT_TIMEOUT)

    def _expire(self):
        self.write({'query_state': 'expired', 'state': 'cancelled'})

    def _pre_checkout_outcome(self):
        """What became of the query: 'waiting' while the bot may still answer, else its final state."""
        self.ensure_one()
        self._lock()
        if self.query_state == 'waiting' and self._query_expired():
            self._expire()
        return self.query_state

    def _charge(self):
        """The bot accepted: Click debits the payer. Return the successful_payment update, or None if done already."""
        self.ensure_one()
        self._lock()
        if self.state != 'paying' or self.query_state != 'ok':
            return None
        update_id = self.bot_id._next_update_id()
        self.write({
            'state': 'paid', 'provider_charge_id': str(new_click_id()),
            'telegram_charge_id': telegram.telegram_charge_id(telegram.bot_id(self.bot_id.token), update_id),
        })
        return telegram.successful_payment_update(
            update_id, update_id, self.language_code, self.currency, int(self.total), self.payload,
            self.telegram_charge_id, self.provider_charge_id,
        )


