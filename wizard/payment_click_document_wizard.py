from odoo import _, api, fields, models


class PaymentClickDocumentWizard(models.AbstractModel):
    """A back-office wizard acting on one document a Click payment can pay: a customer invoice, or a
    sale order when sale is installed."""
    _name = 'payment.click.document.wizard'
    _description = "Click Payment Document"

    res_model = fields.Selection(
        string="Document Type", selection='_selection_res_model', required=True, default='account.move',
    )
    res_id = fields.Many2oneReference(string="Document", model_field='res_model', required=True)

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
