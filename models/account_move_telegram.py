from odoo import _, models


class AccountMove(models.Model):
    _name = 'account.move'
    _inherit = ['account.move', 'payment.click.telegram.link.mixin']
    _click_telegram_document_field = 'invoice_ids'

    def _click_telegram_problem(self):
        """Override to send links for posted customer invoices only."""
        if self.move_type != 'out_invoice' or self.state != 'posted':
            return _("%s is not a posted customer invoice.", self.display_name)
        return super()._click_telegram_problem()
