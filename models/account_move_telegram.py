from odoo import _, fields, models


class AccountMove(models.Model):
    _inherit = 'account.move'

    click_telegram_link = fields.Char(
        string="Telegram Payment Link", compute='_compute_click_telegram_link', compute_sudo=True,
        groups='account.group_account_invoice',
        help="The link to the Click payment in Telegram that waits for the customer, to send or copy.",
    )

    def _compute_click_telegram_link(self):
        links = self.env['payment.click.telegram.link']
        for move in self:
            move.click_telegram_link = links._waiting_transaction(move).click_telegram_link

    def action_click_telegram_send_link(self):
        """Send a Telegram payment link for each invoice (the Action menu's entry)."""
        return self.env['payment.click.telegram.link']._send_links(self)

    def action_click_telegram_send_email(self):
        """Open the e-mail composer with the Telegram payment link, created first when there is none."""
        self.ensure_one()
        self.env['payment.click.telegram.link']._link(self)
        return {
            'type': 'ir.actions.act_window',
            'name': _("Send the Telegram payment link"),
            'res_model': 'mail.compose.message',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {
                'default_model': self._name,
                'default_res_ids': self.ids,
                'default_template_id': self.env.ref('payment_click.mail_template_click_telegram_link').id,
                'default_composition_mode': 'comment',
                'default_email_layout_xmlid': 'mail.mail_notification_light',
            },
        }
