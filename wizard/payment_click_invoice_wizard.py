from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class PaymentClickInvoiceWizard(models.TransientModel):
    """Bill invoices to their customers' phones: each customer confirms in the Click app."""
    _name = 'payment.click.invoice.wizard'
    _description = "Send Click Invoices"

    provider_id = fields.Many2one(
        string="Click Provider", comodel_name='payment.provider', required=True,
        domain="[('code', '=', 'click'), ('state', '!=', 'disabled'), ('company_id', 'in', allowed_company_ids)]",
        default=lambda self: self._default_provider_id(),
    )
    line_ids = fields.One2many(
        string="Invoices", comodel_name='payment.click.invoice.wizard.line', inverse_name='wizard_id',
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if 'line_ids' in fields_list and self.env.context.get('active_model') == 'account.move':
            invoices = self.env['account.move'].browse(self.env.context.get('active_ids', []))
            values['line_ids'] = [Command.create({
                'invoice_id': invoice.id, 'phone': self._default_phone(invoice),
            }) for invoice in invoices]
        return values

    @api.model
    def _default_phone(self, invoice):
        """The number the last Click invoice went to, as it may have been corrected, else the customer's."""
        sent_to = invoice._click_invoice_transaction().click_invoice_phone
        return f'+{sent_to}' if sent_to else self.env['payment.transaction']._click_phone_of(invoice.partner_id)

    @api.model
    def _default_provider_id(self):
        """The first Click provider of the invoices' company: an enabled one, else one in test mode."""
        invoices = self.env['account.move'].browse(self.env.context.get('active_ids', [])) \
            if self.env.context.get('active_model') == 'account.move' else self.env['account.move']
        companies = invoices.company_id or self.env.company
        return self.env['payment.provider']._click_provider_for(companies)

    def action_send(self):
        """Send a Click invoice for each line that can be sent, withdrawing the ones sent before; a
        refusal stops only its own line.

        Alone, an invoice Click refuses says why at once. Among several, it gets a note and a to-do
        saying why, and the others go on. An invoice whose answer from Click was lost gets a to-do.
        Each request is committed before Click is called (``_click_send_invoice``).
        """
        self.ensure_one()
        if self.provider_id.sudo().state not in ('enabled', 'test'):
            raise UserError(_("Choose an enabled Click provider, or one in test mode."))
        skipped = self.line_ids.filtered('skip_reason')
        skipped_list = '; '.join(f'{line.invoice_id.display_name} ({line.skip_reason})' for line in skipped)
        to_send = self.line_ids - skipped
        if not to_send:
            raise UserError(_("No invoice can be sent: %s.", skipped_list or _("none is selected")))
        failures, unconfirmed = {}, {}
        for line in to_send:
            tx = self.env['payment.transaction']
            try:
                line.invoice_id._click_withdraw_invoice_requests(tx._click_normalize_phone(line.phone))
                tx = line._create_transaction()
                if not tx._click_send_invoice(line.phone):
                    unconfirmed[line] = tx.state_message
            except UserError as error:
                failures[line] = error.args[0]
                if tx and not tx.click_invoice_phone:  # Refused: no transaction is left behind.
                    tx.unlink()
        if failures and len(to_send) == 1:
            raise UserError(failures[to_send])
        for line, reason in failures.items():
            line.invoice_id._click_note_and_todo(reason, _("Click invoice not sent"), self.env.user, once=False)
        for line, reason in unconfirmed.items():
            line.invoice_id._click_note_and_todo(reason, _("Click invoice not confirmed"), self.env.user,
                                                 once=False)
        sent = to_send.filtered(lambda line: line not in failures and line not in unconfirmed)
        action = self.line_ids.invoice_id._click_notification(
            _("Click invoices sent: %s.", ', '.join(sent.invoice_id.mapped('display_name'))) if sent else '',
            _("Skipped: %s.", skipped_list) if skipped else '',
            _("Not sent, see their to-dos: %s.", '; '.join(f'{line.invoice_id.display_name} ({reason})'
                                                         for line, reason in failures.items()))
            if failures else '',
            _("Not confirmed by Click, see their to-dos: %s.", ', '.join(line.invoice_id.name for line in unconfirmed))
            if unconfirmed else '',
        )
        action['params']['next'] = {'type': 'ir.actions.act_window_close'}
        return action


class PaymentClickInvoiceWizardLine(models.TransientModel):
    _name = 'payment.click.invoice.wizard.line'
    _description = "Send Click Invoices: Invoice"

    wizard_id = fields.Many2one(comodel_name='payment.click.invoice.wizard', required=True, ondelete='cascade')
    invoice_id = fields.Many2one(comodel_name='account.move', required=True)
    partner_id = fields.Many2one(related='invoice_id.partner_id')
    phone = fields.Char(help="The customer's Uzbek mobile number, registered with Click.")
    currency_id = fields.Many2one(related='invoice_id.currency_id')
    amount = fields.Monetary(
        compute='_compute_amount', help="What is left to pay, counting every Click payment received for the invoice.",
    )
    skip_reason = fields.Char(string="Not Sent Because", compute='_compute_skip_reason')

    @api.depends('invoice_id')
    def _compute_amount(self):
        for line in self:
            line.amount = float(line.invoice_id._click_amount_left()) if line.invoice_id else 0.0

    @api.depends('invoice_id', 'phone', 'wizard_id.provider_id')
    def _compute_skip_reason(self):
        for line in self:
            line.skip_reason = line._get_skip_reason()

    def _get_skip_reason(self):
        """Why this invoice cannot be sent as a Click invoice, or False."""
        self.ensure_one()
        invoice = self.invoice_id
        if invoice.move_type != 'out_invoice' or invoice.state != 'posted':
            return _("not a posted customer invoice")
        if not invoice.currency_id._click_is_supported():
            return _("in %s; Click takes so'm only", invoice.currency_id.name)
        if invoice.currency_id.compare_amounts(self.amount, 0) <= 0:
            return _("nothing left to pay")
        provider = self.wizard_id.provider_id.sudo()
        if provider and invoice.company_id != provider.company_id:
            return _("the Click provider belongs to %s", provider.company_id.name)
        try:
            self.env['payment.transaction']._click_normalize_phone(self.phone)
        except UserError as error:
            return error.args[0]
        return False

    def _create_transaction(self):
        """A draft Click payment of what is left on the invoice, as the portal's Pay Now makes it.

        In sudo, as core creates the payments of its own wizards: the payment reads its provider.
        """
        self.ensure_one()
        provider = self.wizard_id.provider_id.sudo()
        methods = provider.with_context(active_test=False).payment_method_ids
        return self.env['payment.transaction'].sudo().create({
            'provider_id': provider.id,
            'payment_method_id': (methods.filtered(lambda pm: pm.code == 'click_app') or methods)[:1].id,
            'amount': self.amount,
            'currency_id': self.invoice_id.currency_id.id,
            'partner_id': self.invoice_id.partner_id.id,
            'invoice_ids': [Command.set(self.invoice_id.ids)],
            'operation': 'online_direct',
        })
