from odoo import http

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing


class ClickPaymentStatus(PaymentPostProcessing):

    @http.route()
    def poll_status(self, **kwargs):
        """Override of `payment` to ask Click, for the customer waiting on the status page, about a
        payment Click settled without telling Odoo: an invoice declined in the Click app, or a lost
        Complete. The model throttles the questions."""
        self._get_monitored_transaction()._click_check_for_waiting_customer()
        return super().poll_status(**kwargs)
