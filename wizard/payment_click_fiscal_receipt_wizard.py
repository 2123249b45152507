from odoo import fields, models


class PaymentClickFiscalReceiptWizard(models.TransientModel):
    _name = 'payment.click.fiscal.receipt.wizard'
    _description = "Attach an Existing Click Fiscal Receipt"

    transaction_id = fields.Many2one(
        comodel_name='payment.transaction', string="Click Payment", required=True, readonly=True,
    )
    qr_url = fields.Char(
        string="Receipt URL", required=True,
        help="The address the receipt's QR code holds, on the tax office's site (https://ofd.soliq.uz/...), "
             "for a receipt your own cash register issued.",
    )

    def action_attach(self):
        self.ensure_one()
        self.transaction_id._click_attach_fiscal_receipt(self.qr_url)
        return {'type': 'ir.actions.act_window_close'}
