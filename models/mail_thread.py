from odoo import models


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    def message_post(self, **kwargs):
        """Override of `mail` to sign with the user who acted on a Click payment, where core names the
        payer (see ``payment.transaction._log_message_on_linked_documents``)."""
        if author_id := self.env.context.get('click_author_id'):
            kwargs['author_id'] = author_id
        return super().message_post(**kwargs)
