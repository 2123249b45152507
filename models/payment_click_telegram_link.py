from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal


class PaymentClickTelegramLink(models.AbstractModel):
    """Telegram payment links of customer invoices and sale orders: a Click payment in Telegram of what
    is left to pay on a document, created by the provider's bot, to send or copy to the customer."""
    _name = 'payment.click.telegram.link'
    _description = "Telegram Payment Links"

    @api.model
    def _waiting_transaction(self, document):
        """The latest payment in Telegram of ``document`` that still waits for the customer."""
        return document.sudo().transaction_ids.filtered(
            lambda tx: tx.payment_method_code == const.TELEGRAM_PAYMENT_METHOD_CODE
            and tx.state in ('draft', 'pending') and tx.click_telegram_link
        ).sorted('id')[-1:]

    @api.model
    def _send_links(self, documents):
        """Create the link of each document, or keep the one waiting for what is left to pay.

        A document that cannot be paid in Telegram says why: alone at once, among several in the
        notification, while the others get their link. Each link leaves a note signed by the user.
        """
        links, failures = {}, {}
        for document in documents:
            try:
                links[document] = self._link(document)
            except (UserError, ValidationError) as error:
                failures[document] = error.args[0]
        if len(documents) == 1 and failures:
            raise UserError(failures[documents])
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

    @api.model
    def _link(self, document):
        """The link of the payment in Telegram of what is left to pay on ``document``, created when there is none.

        :raise UserError: when the document cannot be paid in Telegram, saying why
        """
        document.check_access('write')
        if problem := self._problem(document):
            raise UserError(problem)
        left = self._amount_left(document)
        waiting = self._waiting_transaction(document)
        if waiting and document.currency_id.compare_amounts(waiting.amount, float(left)) == 0:
            return waiting.click_telegram_link
        provider = self.env['payment.provider']._click_provider_for(document.company_id)
        if not provider:
            raise UserError(_("No Click provider is enabled or in test mode for %s: set one up under Payment "
                              "Providers.", document.company_id.name))
        method = self.env.ref('payment_click.payment_method_click_telegram')
        if method not in provider.with_context(active_test=False).payment_method_ids or not method.active:
            raise UserError(_("The Telegram payment method is not enabled on %s: enable it on the provider's "
                              "Configuration tab.", provider.name))
        tx = self.env['payment.transaction'].sudo().create({
            'provider_id': provider.id,
            'payment_method_id': method.id,
            'amount': float(left),
            'currency_id': document.currency_id.id,
            'partner_id': document.partner_id.id,
            const.DOCUMENT_TRANSACTION_FIELDS[document._name]: [Command.set(document.ids)],
            'operation': 'online_redirect',
        })
        try:
            link = tx._click_telegram_create_link()
        except (UserError, ValidationError):
            if not tx.click_telegram_link:  # Refused: no transaction is left behind.
                tx.unlink()
            raise
        document.message_post(body=_(
            "Telegram payment link for %(amount)s created: %(link)s",
            amount=format_amount(self.env, tx.amount, tx.currency_id), link=link,
        ))
        return link

    @api.model
    def _amount_left(self, document):
        """What is left to pay on ``document``, counted from money as a Click payment of it would (so'm)."""
        left = self.env['payment.transaction'].sudo().new({
            const.DOCUMENT_TRANSACTION_FIELDS[document._name]: [Command.set(document.ids)],
            'currency_id': document.currency_id.id,
            'company_id': document.company_id.id, 'partner_id': document.partner_id.id,
        })._click_amount_left()
        return max(left or to_decimal(0), to_decimal(0))

    @api.model
    def _problem(self, document):
        """Why ``document`` cannot be paid in Telegram at all, or None."""
        if document._name not in const.DOCUMENT_TRANSACTION_FIELDS or not document:
            return _("Telegram payment links pay customer invoices and sale orders only.")
        if document._name == 'account.move' and (document.move_type != 'out_invoice' or document.state != 'posted'):
            return _("%s is not a posted customer invoice.", document.display_name)
        if document._name == 'sale.order' and document.state == 'cancel':
            return _("%s is cancelled.", document.display_name)
        if not document.currency_id._click_is_supported():
            return _("%(document)s is in %(currency)s; Click takes so'm (UZS) only.",
                     document=document.display_name, currency=document.currency_id.name)
        if self._amount_left(document) <= 0:
            return _("Nothing is left to pay on %s.", document.display_name)
        return None
