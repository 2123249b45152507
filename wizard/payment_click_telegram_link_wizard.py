from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.payment_click import const



class PaymentClickTelegramLinkWizard(models.TransientModel):
    """The Telegram payment link of any customer invoice or sale order, to copy to the customer."""
    _name = 'payment.click.telegram.link.wizard'
    _inherit = 'payment.click.document.wizard'
    _description = "Telegram Payment Link"

    link = fields.Char(string="Telegram Payment Link", readonly=True)

    @api.onchange('res_model')
    def _onchange_res_model(self):  # pylint: disable=missing-return  # onchanges here return nothing
        """Override to forget the link of the former document."""
        super()._onchange_res_model()
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
            if self.res_model in const.DOCUMENT_TRANSACTION_FIELDS and self.res_model in self.env else None
        self.link = self.env['payment.click.telegram.link']._link(document or self.env['account.move'])
        return {
            'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': self.id, 'view_mode': 'form',
            'views': [(False, 'form')], 'target': 'new', 'name': _("Telegram Payment Link"),
        }
