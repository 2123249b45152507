from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.payment_click.models.payment_click_telegram_link import DOCUMENT_FIELDS


class PaymentClickTelegramLinkWizard(models.TransientModel):
    """The Telegram payment link of any customer invoice or sale order, to copy to the customer."""
    _name = 'payment.click.telegram.link.wizard'
    _description = "Telegram Payment Link"

    res_model = fields.Selection(
        string="Document Type", selection='_selection_res_model', required=True, default='account.move',
    )
    res_id = fields.Many2oneReference(string="Document", model_field='res_model', required=True)
    link = fields.Char(string="Telegram Payment Link", readonly=True)

    @api.model
    def _selection_res_model(self):
        """Customer invoices, and sale orders when sale is installed."""
        selection = [('account.move', _("Customer Invoice"))]
        if 'sale.order' in self.env:
            selection.append(('sale.order', _("Sale Order")))
        return selection

    @api.onchange('res_model')
    def _onchange_res_model(self):
        """A document of the former type is no document of the new one."""
        self.res_id = False
        self.link = False

    def action_create_link(self):
        """Create the document's link, or show the one waiting, and keep the window open to copy it."""
        self.ensure_one()
        user = self.env.user
        salesman = self.env.ref('sales_team.group_sale_salesman', raise_if_not_found=False)
        if not (user.has_group('account.group_account_invoice')
                or (salesman and user.has_group('sales_team.group_sale_salesman'))):
            raise AccessError(_("Sending Telegram payment links needs the Invoicing or the Sales user right."))
        document = self.env[self.res_model].browse(self.res_id).exists() \
            if self.res_model in DOCUMENT_FIELDS and self.res_model in self.env else None
        self.link = self.env['payment.click.telegram.link']._link(document or self.env['account.move'])
        return {
            'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': self.id, 'view_mode': 'form',
            'views': [(False, 'form')], 'target': 'new', 'name': _("Telegram Payment Link"),
        }
