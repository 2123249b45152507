from odoo import fields, models


class PaymentClickRefundWizard(models.TransientModel):
    _name = 'payment.click.refund.wizard'
    _description = "Refund Credit Notes through Click"

    move_ids = fields.Many2many(comodel_name='account.move', string="Credit Notes", readonly=True)

    def action_refund(self):
        """Refund the credit notes, once the user confirmed it."""
        self.ensure_one()
        notification = self.move_ids.action_click_refund()
        notification['params']['next'] = {'type': 'ir.actions.act_window_close'}
        return notification
