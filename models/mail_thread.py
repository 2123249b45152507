from odoo import models


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    def message_post(self, **kwargs):
        """Override of `mail` to sign with the user who acted on a Click payment, where core names the
        payer (see ``payment.transaction._log_message_on_linked_documents``)."""
        if author_id := self.env.context.get('click_author_id'):
            kwargs['author_id'] = author_id
        return super().message_post(**kwargs)

    def _click_note_and_todo(self, note, summary, user, once=True):
        """Leave ``note`` in the chatter of each record and a to-do of ``summary`` for ``user``: what a
        person must act on about a Click payment. With ``once``, a record that has a to-do of this
        summary already gets neither again. The to-do's e-mail waits in the mail queue."""
        for record in self.with_context(mail_notify_force_send=False):
            if once and self.env['mail.activity'].search_count([
                ('res_model', '=', record._name), ('res_id', '=', record.id), ('summary', '=', summary),
            ], limit=1):
                continue
            record.message_post(body=note, subtype_xmlid='mail.mt_note')
            record.activity_schedule('mail.mail_activity_data_todo', summary=summary, note=note, user_id=user.id)
