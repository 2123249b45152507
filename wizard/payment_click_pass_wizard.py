import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import format_amount

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.amounts import to_decimal

_logger = logging.getLogger(__name__)
MAX_OTP_LENGTH = 64


class PaymentClickPassWizard(models.TransientModel):
    """Charge a customer at the counter: the cashier scans the QR code of the payer's Click app."""
    _name = 'payment.click.pass.wizard'
    _inherit = 'payment.click.document.wizard'
    _description = "Charge with CLICK Pass"

    document_name = fields.Char(compute='_compute_document_values')
    partner_id = fields.Many2one(string="Customer", comodel_name='res.partner', compute='_compute_document_values')
    company_id = fields.Many2one(comodel_name='res.company', compute='_compute_document_values')
    currency_id = fields.Many2one(comodel_name='res.currency', compute='_compute_document_values')
    amount_left = fields.Monetary(
        string="Left to Pay", compute='_compute_document_values',
        help="What is left to pay on the document, less the payments still being processed.",
    )
    provider_id = fields.Many2one(
        string="Click Provider", comodel_name='payment.provider', compute='_compute_provider_id', store=True,
        readonly=False, domain="[('code', '=', 'click'), ('state', 'in', ('enabled', 'test')), "
                               "('company_id', '=', company_id)]",
    )
    amount = fields.Monetary(
        compute='_compute_amount', store=True, readonly=False,
        help="What is left to pay; lower it for a partial payment.",
    )
    cashbox_code = fields.Char(
        string="Cash Desk", compute='_compute_cashbox_code', store=True, readonly=False,
        help="The cash desk (cashbox_code) the payment is made at, as registered with Click.",
    )
    otp_data = fields.Char(
        string="CLICK Pass Code", help="Scan the QR code in the payer's Click app, or type the digits under it.",
    )
    error = fields.Text(string="Last Attempt", readonly=True)

    @api.depends('res_model', 'res_id')
    def _compute_document_values(self):
        for wizard in self:
            document = wizard._document()
            wizard.document_name = document.display_name
            wizard.partner_id = document.partner_id
            wizard.company_id = document.company_id
            wizard.currency_id = document.currency_id
            wizard.amount_left = float(wizard._amount_left()) if document else 0.0

    @api.depends('company_id')
    def _compute_provider_id(self):
        for wizard in self:
            wizard.provider_id = self.env['payment.provider']._click_provider_for(wizard.company_id)

    @api.depends('amount_left')
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.amount_left

    @api.depends('provider_id')
    def _compute_cashbox_code(self):
        for wizard in self:
            wizard.cashbox_code = wizard.provider_id.sudo().click_pass_cashbox_code

    @api.model
    def _action_open(self, documents):
        """The window of the invoice's "Charge with CLICK Pass" for one document."""
        if len(documents) != 1:
            raise UserError(_("Charge one document at a time with CLICK Pass."))
        self._check_rights(documents)
        return {
            'type': 'ir.actions.act_window',
            'name': _("Charge with CLICK Pass"),
            'res_model': self._name,
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_res_model': documents._name, 'default_res_id': documents.id},
        }

    @api.model
    def _check_rights(self, documents):
        """Charging needs the Invoicing user right or the Sales user right, and access to the document."""
        user = self.env.user
        salesman = self.env.ref('sales_team.group_sale_salesman', raise_if_not_found=False)
        if not (user.has_group('account.group_account_invoice')
                or (salesman and user.has_group('sales_team.group_sale_salesman'))):
            raise AccessError(_("Charging with CLICK Pass needs the Invoicing or the Sales user right."))
        if documents._name not in const.DOCUMENT_TRANSACTION_FIELDS:
            raise UserError(_("CLICK Pass charges customer invoices and sale orders only."))
        documents.check_access('read')

    def _document(self):
        self.ensure_one()
        if self.res_model not in const.DOCUMENT_TRANSACTION_FIELDS or self.res_model not in self.env:
            return self.env['account.move']
        return self.env[self.res_model].browse(self.res_id).exists()

    def _document_values(self):
        """The values of a transaction paying the document."""
        document = self._document()
        return {
            'currency_id': document.currency_id.id,
            'partner_id': document.partner_id.id,
            'company_id': document.company_id.id,
            const.DOCUMENT_TRANSACTION_FIELDS[document._name]: [Command.set(document.ids)],
        }

    def _transaction_values(self):
        return {
            **self._document_values(),
            'provider_id': self.provider_id.id,
            'payment_method_id': self.env.ref('payment_click.payment_method_click').id,
            'amount': self.amount,
            'operation': 'online_direct',
            'click_is_pass': True,
            'click_pass_cashbox_code': (self.cashbox_code or '').strip() or False,
            'click_charge_date': fields.Datetime.now(),  # the status sync's clock starts at the charge
        }

    def _amount_left(self):
        """What is left to pay on the document, less the Click charges still under way, in so'm."""
        left = self.env['payment.transaction'].sudo().new(self._document_values())._click_amount_left()
        return max(left or to_decimal(0), to_decimal(0))

    def _charges_under_way(self):
        """The document's Click charges still under way."""
        return self.env['payment.transaction'].sudo().new(self._document_values())._click_charges_under_way()[1]

    @api.model
    def _document_problem(self, document):
        """Why ``document`` cannot be charged with CLICK Pass at all, or None."""
        if not document:
            return _("The document to charge no longer exists.")
        if document._name == 'account.move' and (document.move_type != 'out_invoice' or document.state != 'posted'):
            return _("Only a posted customer invoice can be charged with CLICK Pass.")
        if document._name == 'sale.order' and document.state != 'sale':
            return _("Only a confirmed sale order can be charged with CLICK Pass.")
        if not document.currency_id._click_is_supported():
            return _("%(document)s is in %(currency)s; Click takes so'm (UZS) only.",
                     document=document.display_name, currency=document.currency_id.name)
        return None

    def _charge_problem(self):
        """Why the document cannot be charged as the wizard stands, or None."""
        document = self._document()
        if problem := self._document_problem(document):
            return problem
        provider = self.provider_id.sudo()
        if provider.code != 'click' or provider.state not in ('enabled', 'test') \
                or provider.company_id != document.company_id:
            return _("No Click provider is enabled or in test mode for %s: set one up under Payment Providers.",
                     document.company_id.name)
        if problem := self._amount_problem(document):
            return problem
        otp_data = (self.otp_data or '').strip()
        if not otp_data or len(otp_data) > MAX_OTP_LENGTH or not otp_data.isprintable():
            return _("Scan the QR code in the payer's Click app into the CLICK Pass Code field.")
        return None

    def _amount_problem(self, document):
        """Why the amount cannot be charged on ``document``, or None."""
        amount, left = to_decimal(self.amount), self._amount_left()
        txs = self._charges_under_way()
        if left <= 0 and not txs:
            return _("Nothing is left to pay on %s.", document.display_name)
        if amount <= 0:
            return _("Enter an amount to charge above zero.")
        if amount > left:
            return _("Only %(left)s is left to pay on %(document)s%(under_way)s; lower the amount.",
                     left=self._format(left), document=document.display_name,
                     under_way=_(", while Click is still processing %s", ', '.join(txs.mapped('reference')))
                     if txs else '')
        return None

    def _format(self, amount):
        return format_amount(self.env, float(amount), self.currency_id)

    def action_charge(self):
        """Charge the payer through Click; on a refusal, show why and wait for a new code.

        Click answers at once. A payment Click has not finished (still processing, or its answer lost)
        stays pending: the cashier is told so, and lands on the payment, whose state the status sync
        resolves, or its Check with Click at once.
        """
        self.ensure_one()
        document = self._document()
        self._check_rights(document)
        if problem := self._charge_problem():
            raise UserError(problem)
        tx = self.env['payment.transaction'].sudo().create(self._transaction_values())
        # Click may charge the payer from here on: whatever happens to this request, the payment
        # must stay on record for the status sync to resolve.
        tx._click_commit()
        tx._click_pass_pay(self.otp_data.strip())
        if tx.state == 'error':
            self.write({'error': tx.state_message, 'otp_data': False})
            return dict(self._action_open(document), res_id=self.id)
        if tx.state == 'done':
            self._book(tx)
            message, kind = _("%(document)s: %(amount)s paid with CLICK Pass (%(processing)s card %(card)s).",
                              document=document.display_name, amount=self._format(tx.amount),
                              processing=tx.click_processing_type or '', card=tx.click_card_number or ''), 'success'
        else:
            message, kind = tx.state_message, 'warning'
        follow = {'type': 'ir.actions.client', 'tag': 'soft_reload'}
        if tx.state == 'pending' and self.env['payment.transaction'].has_access('read'):
            follow = {  # the payment, whose state its Check with Click and the status sync resolve
                'type': 'ir.actions.act_window', 'res_model': tx._name, 'res_id': tx.id,
                'views': [(False, 'form')], 'target': 'current', 'name': tx.reference,
            }
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {'message': message, 'type': kind, 'sticky': kind != 'success', 'next': follow},
        }

    @api.model
    def _book(self, tx):
        """Post and reconcile the payment now, and issue its fiscal receipt, so the cashier sees the document
        paid and the payer gets the receipt; else the crons will."""
        try:
            with self.env.cr.savepoint():
                tx._post_process()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - the payment is done; the post-processing cron books it later
            _logger.exception("CLICK Pass payment %s is left to the post-processing cron", tx.reference)
            return
        if tx.click_receipt_state == 'to_send':  # the payer at the counter gets the receipt now
            tx._click_commit()  # the booking stays, whatever the receipt does
            tx._click_process_fiscal_receipt()  # a failure is kept on the receipt, for the cron or the accountant
