from odoo import http

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing


class ClickPostProcessing(PaymentPostProcessing):

    @http.route()
    def poll_status(self, **kwargs):
        """Override of `payment` to post-process a Click transaction once: the status page waits for
        another worker at it (the cron Complete triggers) instead of racing it, then reports its outcome.
        """
        tx_sudo = self._get_monitored_transaction()
        if tx_sudo.provider_code == 'click' and not tx_sudo.is_post_processed:
            tx_sudo._click_claim_post_processing()
        return super().poll_status(**kwargs)
