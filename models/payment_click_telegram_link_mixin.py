from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal


class PaymentClickTelegramLinkMixin(models.AbstractModel):
    """A document its customer pays in Telegram, through a link to a Click payment in Telegram.

    The document says which transaction field links it (``_click_telegram_document_field``).
    """
    _name = 'payment.click.telegram.link.mixin'
    _description = "Document Paid through a Telegram Link"
    _click_telegram_document_field = None

    click_telegram_link = fields.Char(
        string="Telegram Payment Link", compute='_compute_click_telegram_link', compute_sudo=True,
        help="The link to the Click payment in Telegram that waits for the customer, to send or copy.",
    )

    def _compute_click_telegram_link(self):
        for document in self:
            document.click_telegram_link = document._click_telegram_transaction().click_telegram_link

    def _click_telegram_transaction(self):
        """The latest payment in Telegram of this document that still waits for the customer."""
        self.ensure_one()
        return self.sudo().transaction_ids.filtered(
            lambda tx: tx.payment_method_code == const.TELEGRAM_PAYMENT_METHOD_CODE
            and tx.state in ('draft', 'pending') and tx.click_telegram_link
        ).sorted('id')[-1:]

    def action_click_telegram_send_link(self):
        """Create the Telegram payment link of each document, or keep the one waiting for what is left to pay.

        A document that cannot be paid in Telegram says why: alone at once, among several in the
        notification, while the others get their link. Each link leaves a note signed by the user.
        """
        links, failures = {}, {}
        for document in self:
            try:
                links[document] = document._click_telegram_link()
            except (UserError, ValidationError) as error:
                failures[document] = error.args[0]
        if len(self) == 1 and failures:
            raise UserError(failures[self])
        lines = [self.env._("%(document)s: %(link)s", document=document.display_name, link=link)
                 for document, link in links.items()]
        if failures:
            lines.append(_("No link for: %s", '; '.join(f'{document.display_name} ({reason})'
                                                       for document, reason in failures.items())))
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'title': _("Telegram payment links"), 'message': '\n'.join(lines), 'sticky': bool(failures),
                'type': 'warning' if failures else 'success',
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def _click_telegram_link(self):
        """The link of the payment in Telegram of what is left to pay, created when there is none.

        :raise UserError: when the document cannot be paid in Telegram, saying why
        """
        self.ensure_one()
        if problem := self._click_telegram_problem():
            raise UserError(problem)
        left = self._click_telegram_amount_left()
        waiting = self._click_telegram_transaction()
        if waiting and self.currency_id.compare_amounts(waiting.amount, float(left)) == 0:
            return waiting.click_telegram_link
        provider = self.env['payment.provider']._click_provider_for(self.company_id)
        if not provider:
            raise UserError(_("No Click provider is enabled or in test mode for %s: set one up under Payment "
                              "Providers.", self.company_id.name))
        method = self.env.ref('payment_click.payment_method_click_telegram')
        if method not in provider.with_context(active_test=False).payment_method_ids or not method.active:
            raise UserError(_("The Telegram payment method is not enabled on %s: enable it on the provider's "
                              "Configuration tab.", provider.name))
        tx = self.env['payment.transaction'].sudo().create({
            'provider_id': provider.id,
            'payment_method_id': method.id,
            'amount': float(left),
            'currency_id': self.currency_id.id,
            'partner_id': self.partner_id.id,
            self._click_telegram_document_field: [Command.set(self.ids)],
            'operation': 'online_redirect',
        })
        try:
            link = tx._click_telegram_create_link()
        except (UserError, ValidationError):
            if not tx.click_telegram_link:  # Refused: no transaction is left behind.
                tx.unlink()
            raise
        self.message_post(body=_(
            "Telegram payment link for %(amount)s created: %(link)s",
            amount=format_amount(self.env, tx.amount, tx.currency_id), link=link,
        ))
        return link

    def _click_telegram_amount_left(self):
        """What is left to pay on the document, counted from money as a Click payment of it would (so'm)."""
        left = self.env['payment.transaction'].sudo().new({
            self._click_telegram_document_field: [Command.set(self.ids)], 'currency_id': self.currency_id.id,
            'company_id': self.company_id.id, 'partner_id': self.partner_id.id,
        })._click_amount_left()
        return max(left or to_decimal(0), to_decimal(0))

    def _click_telegram_problem(self):
        """Why this document cannot be paid in Telegram at all, or None."""
        if not self.currency_id._click_is_supported():
            return _("%(document)s is in %(currency)s; Click takes so'm (UZS) only.",
                     document=self.display_name, currency=self.currency_id.name)
        if self._click_telegram_amount_left() <= 0:
            return _("Nothing is left to pay on %s.", self.display_name)
        return None

    def action_click_telegram_send_email(self):
        """Open the e-mail composer with the Telegram payment link, created first when there is none."""
        self.ensure_one()
        self._click_telegram_link()
        template = self.env.ref('payment_click.mail_template_click_telegram_link')
        return {
            'type': 'ir.actions.act_window',
            'name': _("Send the Telegram payment link"),
            'res_model': 'mail.compose.message',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {
                'default_model': self._name,
                'default_res_ids': self.ids,
                'default_template_id': template.id,
                'default_composition_mode': 'comment',
                'default_email_layout_xmlid': 'mail.mail_notification_light',
            },
        }
