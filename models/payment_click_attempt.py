"""What visitors asked Click to send, counted for the limits of click_api/throttle.py."""
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import throttle

_logger = logging.getLogger(__name__)


class PaymentClickAttempt(models.Model):
    _name = 'payment.click.attempt'
    _description = "Click Message Asked by a Visitor"
    _log_access = False
    _order = 'id desc'

    provider_id = fields.Many2one(comodel_name='payment.provider', required=True, index=True, ondelete='cascade')
    kind = fields.Selection(selection=const.THROTTLE_KINDS, required=True)
    subject_hash = fields.Char(required=True, help="Keyed hash of the card or phone number, never the number.")
    session_hash = fields.Char(required=True, help="Keyed hash of the visitor's browser session.")
    requested_at = fields.Datetime(required=True, index=True, default=fields.Datetime.now)

    @api.model
    def _click_count(self, provider, kind, subject, session_id):
        """Count one more ``kind`` a visitor asks ``provider`` to send about ``subject``, or refuse it.

        The count is committed in its own transaction before the caller calls Click, so that every
        call to Click is counted, a replayed request's too. Its table lock, taken before anything is
        read, makes parallel requests count one after the other.

        :param str kind: a key of const.THROTTLE_KINDS
        :param str subject: the card or phone number; only its keyed hash is kept
        :param str session_id: the visitor's browser session
        :raise UserError: when a limit is reached, in the same words whichever limit and whatever
            the card or phone number
        """
        secret = self.env['ir.config_parameter'].sudo().get_param('database.secret')
        values = {
            'provider_id': provider.id,
            'kind': kind,
            'subject_hash': throttle.keyed_hash(secret, kind, subject),
            'session_hash': throttle.keyed_hash(secret, 'session', session_id),
        }
        limits = throttle.Limits(const.THROTTLE_PER_SUBJECT, const.THROTTLE_PER_SESSION,
                                 provider.sudo().click_visitor_hourly_limit)
        with self.env.registry.cursor() as cr:
            # The first statement of this transaction: its snapshot, taken once the lock is held,
            # sees every count committed before.
            cr.execute(SQL("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", SQL.identifier(self._table)))
            cr.execute(SQL(
                """SELECT COUNT(*) FILTER (WHERE kind = %(kind)s AND subject_hash = %(subject)s),
                          COUNT(*) FILTER (WHERE kind = %(kind)s AND session_hash = %(session)s),
                          COUNT(*)
                     FROM %(table)s
                    WHERE provider_id = %(provider)s AND requested_at >= %(since)s""",
                table=SQL.identifier(self._table), kind=kind, subject=values['subject_hash'],
                session=values['session_hash'], provider=provider.id,
                since=fields.Datetime.now() - const.THROTTLE_WINDOW,
            ))
            reached = throttle.exceeded(limits, *cr.fetchone())
            if not reached:
                self.with_env(self.env(cr=cr, su=True)).create(values)
        if reached:
            _logger.warning("Click %s refused to a visitor of provider %s: the %s limit is reached",
                            kind, provider.id, reached)
            raise UserError(_("Click cannot send you more codes or invoices for now. Please try again in an "
                              "hour, or choose another payment method."))

    @api.autovacuum
    def _gc_click_attempts(self):
        """Forget the requests no limit counts any more."""
        self.search([('requested_at', '<', fields.Datetime.now() - const.THROTTLE_WINDOW - timedelta(days=1))]).unlink()
