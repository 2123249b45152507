import psycopg2

from odoo import api, http
from odoo.http import request

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing


class ClickPostProcessing(PaymentPostProcessing):

    @http.route()
    def poll_status(self, **kwargs):
        """Override of `payment` for a Click transaction the customer waits on.

        First, Odoo asks Click about a payment Click decided without telling it (an invoice declined in
        the Click app, a lost Complete); the model throttles the questions. Then the transaction is
        post-processed once: the status page waits for another worker at it (the cron Complete
        triggers) instead of racing it, then reports its outcome.
        """
        tx_sudo = self._get_monitored_transaction()
        tx_sudo._click_check_for_waiting_customer()
        if tx_sudo.provider_code == 'click' and not tx_sudo.is_post_processed:
            try:
                tx_sudo._click_claim_post_processing()
            except psycopg2.errors.SerializationFailure:
                if status := self._click_post_processed_status(tx_sudo.id):
                    return status
                raise  # changed, not post-processed: Odoo replays the request
        return super().poll_status(**kwargs)

    @staticmethod
    def _click_post_processed_status(tx_id):
        """What the poll answers for a transaction another worker has post-processed since this
        request began, read on a cursor of its own; None when it is not post-processed."""
        with request.env.registry.cursor() as cr:
            tx_sudo = api.Environment(cr, request.env.uid, request.env.context)['payment.transaction'].sudo()
            tx_sudo = tx_sudo.browse(tx_id)
            if not tx_sudo.is_post_processed:
                return None
            return {'provider_code': tx_sudo.provider_code, 'state': tx_sudo.state,
                    'landing_route': tx_sudo.landing_route}
