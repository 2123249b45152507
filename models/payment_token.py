import logging

from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api.merchant import MerchantApiError, MerchantTransportError

_logger = logging.getLogger(__name__)


class PaymentToken(models.Model):
    _inherit = 'payment.token'

    def _build_display_name(self, *args, should_pad=True, **kwargs):
        """Override of `payment` to show the card as Click masks it, ``8600 55** **** 3244``."""
        if self.provider_code == 'click':
            should_pad = False
        return super()._build_display_name(*args, should_pad=should_pad, **kwargs)

    def _handle_archiving(self):  # pylint: disable=missing-return  # core's returns nothing
        """Override of `payment` to delete the card at Click (SPEC §7.5.10).

        When the customer or a user removes a card and Click fails, the card stays saved and the
        user is told why. When the provider itself is disabled or changes mode
        (``click_tokens_best_effort`` in the context), a failure is logged and the card archived.

        :raise UserError: when Click did not delete the card
        """
        super()._handle_archiving()
        tokens = self.filtered(lambda t: t.provider_code == 'click')
        for index, token in enumerate(tokens):
            try:
                token.provider_id._click_get_merchant_client().delete_card_token(token.provider_ref)
            except MerchantApiError as error:
                if self.env.context.get('click_tokens_best_effort'):
                    _logger.warning("Click card token #%s archived but not deleted at Click: %s", token.id, error)
                    if isinstance(error, MerchantTransportError):  # Click is out of reach: don't wait per card
                        _logger.warning("Click card tokens %s archived without asking Click",
                                        tokens[index + 1:].ids)
                        break
                    continue
                raise UserError(_(
                    "Click did not delete the saved card %(card)s: %(error)s The card stays saved; try again later.",
                    card=token.payment_details, error=messages.merchant_error(self.env, error),
                )) from None
            _logger.info("Click card token #%s deleted at Click", token.id)
