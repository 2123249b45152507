import base64
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from odoo.addons.payment_click import messages
from odoo.addons.payment_click.click_api import settlement
from odoo.addons.payment_click.click_api.amounts import to_decimal


class PaymentClickSettlement(models.Model):
    """One payout from Click: the payments it covers and the entry booking it."""
    _name = 'payment.click.settlement'
    _description = "Click Settlement"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'date desc, id desc'
    _check_company_auto = True

    name = fields.Char(
        string="Payout Reference", required=True, tracking=True,
        compute='_compute_from_statement_line', store=True, readonly=False, precompute=True,
        help="The reference of Click's payout, e.g. the bank statement's purpose text.",
    )
    state = fields.Selection(
        string="Status", selection=[('draft', "Draft"), ('done', "Settled")], default='draft', required=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, default=lambda self: self.env.company, readonly=True,
    )
    currency_id = fields.Many2one(
        comodel_name='res.currency', required=True, default=lambda self: self.env.ref('base.UZS'),
    )
    provider_ids = fields.Many2many(
        string="Click Services", comodel_name='payment.provider', required=True, check_company=True,
        domain="[('code', '=', 'click'), ('company_id', '=', company_id)]",
        default=lambda self: self._default_provider_ids(),
        help="The Click providers (services) whose payments this payout covers.",
    )
    provider_names = fields.Char(
        string="Click Service Names", compute='_compute_provider_names',
        help="The Click services, for accountants who may not open the payment providers.",
    )
    journal_id = fields.Many2one(
        string="Payout Journal", comodel_name='account.journal', required=True, check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute='_compute_journal_id', store=True, readonly=False, precompute=True,
    )
    statement_line_id = fields.Many2one(
        string="Bank Statement Line", comodel_name='account.bank.statement.line', check_company=True,
        domain="[('journal_id', '=', journal_id), ('is_reconciled', '=', False), ('amount', '>', 0)]",
        help="The payout on your bank statement. Leave it empty to record the payout here.", copy=False,
    )
    date = fields.Date(
        string="Payout Date", required=True, default=fields.Date.context_today, tracking=True,
        compute='_compute_from_statement_line', store=True, readonly=False, precompute=True,
    )
    amount = fields.Monetary(
        string="Amount Received", required=True, tracking=True,
        compute='_compute_from_statement_line', store=True, readonly=False, precompute=True,
        help="What Click paid into the bank: net of its commission, or gross.",
    )
    line_ids = fields.One2many(
        string="Payments", comodel_name='payment.click.settlement.line', inverse_name='settlement_id', copy=False,
    )
    gross = fields.Monetary(compute='_compute_figures')
    commission = fields.Monetary(compute='_compute_figures')
    effective_rate = fields.Float(string="Effective Rate (%)", compute='_compute_figures', digits=(5, 2))
    rate_warning = fields.Char(compute='_compute_figures')
    fee_tax_id = fields.Many2one(
        string="Commission Tax", comodel_name='account.tax', check_company=True,
        domain="[('type_tax_use', '=', 'purchase'), ('amount_type', '=', 'percent')]",
        compute='_compute_journal_id', store=True, readonly=False, precompute=True,
    )
    registry_file = fields.Binary(string="Click's Registry", attachment=True, copy=False)
    registry_filename = fields.Char(copy=False)
    note = fields.Text(string="Proposal", readonly=True, copy=False)
    move_id = fields.Many2one(string="Journal Entry", comodel_name='account.move', readonly=True, copy=False)
    move_line_ids = fields.One2many(
        string="Booking", related='move_id.line_ids',
        help="The journal entry's lines: the bank for what Click paid, the clearing account for each payment's "
             "gross, and Click's commission.",
    )

    @api.model
    def _default_provider_ids(self):
        return self.env['payment.provider'].sudo().search([
            ('code', '=', 'click'), ('company_id', '=', self.env.company.id), ('state', '!=', 'disabled'),
        ]).filtered('journal_id')

    # === COMPUTE METHODS === #

    def _click_providers(self):
        """The services, read in sudo: only system administrators read payment providers. On a new
        settlement whose form does not show them, those it will get."""
        self.ensure_one()
        return (self.provider_ids or self._default_provider_ids()).sudo()

    @api.depends('provider_ids', 'company_id')
    def _compute_provider_names(self):
        for record in self:
            record.provider_names = ', '.join(record._click_providers().mapped('name'))

    @api.depends('provider_ids', 'company_id')  # the company's: a form may not show the services
    def _compute_journal_id(self):
        for record in self:
            provider = record._click_providers()[:1]
            record.journal_id = record.journal_id or provider.click_settlement_journal_id or provider.journal_id
            record.fee_tax_id = record.fee_tax_id or provider.click_fee_tax_id

    @api.depends('statement_line_id')
    def _compute_from_statement_line(self):
        for record in self:
            if st_line := record.statement_line_id:
                record.date = st_line.date
                record.amount = st_line.amount
            else:
                record.date = record.date or fields.Date.context_today(record)
                record.amount = record.amount or 0.0
            record.name = record.name or st_line.payment_ref or _(
                "Click payout of %s", format_date(self.env, record.date))

    @api.depends('line_ids.selected', 'line_ids.amount', 'amount', 'provider_ids')
    def _compute_figures(self):
        for record in self:
            result = record._click_figures()
            record.gross = float(result.gross)
            record.commission = float(result.commission)
            record.effective_rate = float(result.rate)
            provider = record._click_providers()[:1]
            record.rate_warning = _(
                "Click kept %(rate)s %% of these payments instead of the %(expected)s %% expected (± %(tolerance)s). "
                "Check the payments ticked, or Click's rate.",
                rate=result.rate, expected=provider.click_fee_rate, tolerance=provider.click_fee_tolerance,
            ) if result.gross > 0 and provider and not settlement.rate_within(
                result.rate, provider.click_fee_rate, provider.click_fee_tolerance) else False

    def _click_figures(self):
        gross = sum((to_decimal(line.amount) for line in self.line_ids if line.selected), Decimal(0))
        return settlement.figures(gross, to_decimal(self.amount))

    # === ACTIONS === #

    def action_propose(self):
        """List the unsettled Click payments up to the payout date and tick those it covers."""
        self.ensure_one()
        self._check_draft()
        if not self.statement_line_id:
            self.statement_line_id = self._click_find_statement_line()
        candidates = self._load_candidates()
        provider = self.provider_ids.sudo()[:1]
        chosen = set(settlement.propose(
            [settlement.Candidate(line.id, line.date, to_decimal(line.amount)) for line in candidates],
            to_decimal(self.amount), provider.click_fee_rate, provider.click_fee_tolerance,
            self.date, provider.click_settlement_lag_days,
        ))
        for line in candidates:
            line.selected = line.id in chosen
        if chosen:
            self.note = _("Odoo ticked the %(count)s payments of the days this payout covers (%(gross)s gross).",
                          count=len(chosen), gross=format_amount(self.env, self.gross, self.currency_id))
        else:
            self.note = _(
                "No run of days matches %(amount)s at %(rate)s %% ± %(tolerance)s: tick the payments by hand, or "
                "import Click's registry.", amount=format_amount(self.env, self.amount, self.currency_id),
                rate=provider.click_fee_rate, tolerance=provider.click_fee_tolerance,
            )
        return True

    def action_import_registry(self):
        """Tick exactly the payments of Click's registry, matched on Click's payment number."""
        self.ensure_one()
        self._check_draft()
        if not self.registry_file:
            raise UserError(_("Attach Click's registry of this payout (CSV or XLSX) first."))
        try:
            rows = settlement.parse_registry(self.registry_filename, base64.b64decode(self.registry_file))
        except settlement.RegistryError as error:
            raise UserError(messages.registry_error(self.env, error)) from error
        candidates = self._load_candidates(on_or_before=False)
        # A refund keeps the Click payment id of the payment it refunds: the sign tells them apart.
        unsettled = {}
        for line in candidates.filtered('click_payment_id'):
            amount = to_decimal(line.amount)
            unsettled[settlement.registry_key(line.click_payment_id, amount)] = (line.id, amount)
        matched, unknown, differing, commission = settlement.match_registry(rows, unsettled)
        for line in candidates:
            line.selected = line.id in matched
        problems = []
        if unknown:
            problems.append(_("Unknown to Odoo or settled already: %s.", ', '.join(unknown)))
        if differing:
            problems.append(_("Amounts differ: %s.", ', '.join(
                _("%(payment)s (Click %(click)s, Odoo %(odoo)s)", payment=payment_id, click=click, odoo=odoo)
                for payment_id, click, odoo in differing)))
        if commission is not None and commission != self._click_figures().commission:
            problems.append(_("Click's registry gives a commission of %(registry)s; the payout implies %(payout)s.",
                              registry=commission, payout=self._click_figures().commission))
        self.note = _("Click's registry %(file)s: %(matched)s of %(rows)s payments matched.",
                      file=self.registry_filename, matched=len(matched), rows=len(rows))
        if problems:
            self.note += '\n' + '\n'.join(problems)
            self._click_ask_accountant(self.note + '\n' + _(
                "Click's registry lists payments Odoo cannot settle with this payout: %s Check them with Click "
                "(a payment missing in Odoo, already settled, or of another amount).", ' '.join(problems)))
        else:
            self.message_post(body=self.note)
        return True

    def action_validate(self):
        """Book the payout: bank for the amount received, the clearing account for the payments' gross,
        reconciled with them, and Click's commission for the difference. One balanced entry.
        """
        for record in self:
            record._click_validate()
        return True

    def action_open_move(self):
        """Show the entry's lines, in a list any accountant sees (the entry's form shows them only with
        the full accounting features)."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window', 'res_model': 'account.move.line', 'name': self.move_id.name,
            'views': [(self.env.ref('payment_click.account_move_line_view_list_click_settlement').id, 'list')],
            'domain': [('move_id', '=', self.move_id.id)],
        }

    @api.model
    def action_open_unsettled(self):
        """The clearing lines of Click payments no payout settled yet, by day, oldest first."""
        accounts = self.env['payment.provider'].sudo().search([('code', '=', 'click')]).click_clearing_account_id
        return {
            'type': 'ir.actions.act_window',
            'name': _("Unsettled Click payments"),
            'res_model': 'account.move.line',
            'view_mode': 'list,form',
            'views': [(self.env.ref('payment_click.account_move_line_view_list_click_unsettled').id, 'list'),
                      (False, 'form')],
            'domain': [('account_id', 'in', accounts.ids), ('reconciled', '=', False), ('parent_state', '=', 'posted')],
            'context': {'group_by': ['date:day'], 'create': False},
        }

    @api.model
    def _action_start_from_statement_line(self, st_line):
        """Open the draft settlement of a bank statement line's payout, proposed; create it if needed."""
        record = self.search([('statement_line_id', '=', st_line.id)], limit=1)
        if not record:
            providers = self.env['payment.provider'].sudo().search([
                ('code', '=', 'click'), ('company_id', '=', st_line.company_id.id),
            ]).filtered(lambda p: (p.click_settlement_journal_id or p.journal_id) == st_line.journal_id)
            if not providers:
                raise UserError(_(
                    "No Click provider of %(company)s receives its payouts in %(journal)s. Set the payout journal on "
                    "the Click provider's Configuration tab.", company=st_line.company_id.name,
                    journal=st_line.journal_id.name,
                ))
            record = self.with_company(st_line.company_id).create({
                'name': st_line.payment_ref or _("Click payout"),
                'provider_ids': providers.ids,
                'journal_id': st_line.journal_id.id,
                'statement_line_id': st_line.id,
            })
            record.action_propose()
        return {
            'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': record.id, 'view_mode': 'form',
            'views': [(False, 'form')],
        }

    # === BUSINESS METHODS === #

    def _check_draft(self):
        if self.state != 'draft':
            raise UserError(_("The payout %s is settled already.", self.name))

    def _clearing_domain(self):
        return [
            ('account_id', 'in', self.provider_ids.sudo().click_clearing_account_id.ids),
            ('company_id', '=', self.company_id.id),
            ('currency_id', '=', self.currency_id.id),
            ('parent_state', '=', 'posted'),
            ('reconciled', '=', False),
            ('payment_id.payment_transaction_id.provider_id', 'in', self.provider_ids.ids),
        ]

    def _load_candidates(self, on_or_before=True):
        """Replace the lines by the unsettled Click payments (up to the payout date), oldest first."""
        domain = self._clearing_domain()
        if on_or_before:
            domain.append(('date', '<=', self.date))
        move_lines = self.env['account.move.line'].search(domain, order='date, id')
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create({'move_line_id': move_line.id, 'selected': False}) for move_line in move_lines
        ]
        return self.line_ids

    def _click_find_statement_line(self):
        """The oldest unmatched credit in the payout journal that looks like Click's, for this amount."""
        lines = self.env['account.bank.statement.line'].search([
            ('journal_id', '=', self.journal_id.id), ('is_reconciled', '=', False), ('amount', '>', 0),
            ('id', 'not in', self.search([  # claimed by another open payout; settled ones are reconciled
                ('state', '=', 'draft'), ('statement_line_id', '!=', False)]).statement_line_id.ids),
        ], order='date, id')
        providers = self.provider_ids.sudo()
        lines = lines.filtered(lambda line: any(p._click_matches_statement_line(line) for p in providers))
        return lines.filtered(lambda line: line.currency_id.compare_amounts(line.amount, self.amount) == 0)[:1] \
            if self.amount else lines[:1]

    def _click_validate(self):
        self.ensure_one()
        self._check_draft()
        chosen = self.line_ids.filtered('selected').move_line_id
        if not chosen:
            raise UserError(_("Tick the Click payments this payout covers (or press Propose) before validating."))
        result = self._click_figures()
        if result.net <= 0:
            raise UserError(_("Enter the amount Click paid into the bank."))
        if result.commission < 0:
            raise UserError(_(
                "The payout (%(net)s) is larger than the payments ticked (%(gross)s): Click's commission cannot be "
                "negative. Tick the missing payments.",
                net=format_amount(self.env, float(result.net), self.currency_id),
                gross=format_amount(self.env, float(result.gross), self.currency_id),
            ))
        self._lock_and_check_unsettled(chosen)
        st_line = self.statement_line_id or self._record_payout()
        self._check_statement_line(st_line)
        self._write_entry(st_line, chosen, result)
        self.write({'state': 'done', 'statement_line_id': st_line.id, 'move_id': st_line.move_id.id})
        self.message_post(body=_(
            "Settled %(count)s Click payments: %(gross)s gross, %(net)s received, %(commission)s commission "
            "(%(rate)s %%), booked in %(move)s.",
            count=len(chosen), gross=format_amount(self.env, float(result.gross), self.currency_id),
            net=format_amount(self.env, float(result.net), self.currency_id),
            commission=format_amount(self.env, float(result.commission), self.currency_id),
            rate=result.rate, move=self.move_id._get_html_link(),
        ))
        self.move_id.message_post(body=_("Click's payout, settled by %s.", self._get_html_link()))
        if self.rate_warning:
            self._click_ask_accountant(self.rate_warning)

    def _lock_and_check_unsettled(self, move_lines):
        """Lock the payments' clearing lines; refuse any another payout settled meanwhile."""
        self.env['account.move.line'].flush_model(['reconciled', 'amount_residual'])
        self.env.cr.execute(
            'SELECT id FROM account_move_line WHERE id IN %s ORDER BY id FOR NO KEY UPDATE', [tuple(move_lines.ids)]
        )
        move_lines.invalidate_recordset(['reconciled', 'amount_residual', 'amount_residual_currency'])
        settled = move_lines.filtered(lambda line: line.reconciled or line.full_reconcile_id or line.matched_debit_ids
                                      or line.matched_credit_ids)
        outside = move_lines.filtered_domain(self._clearing_domain()) != move_lines
        if settled or outside:
            raise UserError(_(
                "These Click payments are settled already, or do not belong to this payout's services, company "
                "and currency: %s. Press Propose again.",
                ', '.join((settled or move_lines).mapped(lambda line: line.move_id.name)),
            ))

    def _record_payout(self):
        """Record Click's payout in the payout journal when no bank statement brings it (plain Community)."""
        return self.env['account.bank.statement.line'].create({
            'journal_id': self.journal_id.id,
            'date': self.date,
            'amount': self.amount,
            'payment_ref': self.name,
            'partner_id': self.provider_ids.sudo()[:1].click_partner_id.id,
        })

    def _check_statement_line(self, st_line):
        _liquidity, suspense, other = st_line._seek_for_lines()
        if st_line.is_reconciled or other or not suspense:
            raise UserError(_("The bank statement line %s is matched already.", st_line.payment_ref))
        if st_line.company_id != self.company_id or st_line.currency_id != self.currency_id:
            raise UserError(_(
                "The bank statement line %(line)s is not in %(currency)s of %(company)s, as the Click payments are.",
                line=st_line.payment_ref, currency=self.currency_id.name, company=self.company_id.name,
            ))
        if st_line.currency_id.compare_amounts(st_line.amount, self.amount):
            raise UserError(_(
                "The bank statement line %(line)s is for %(amount)s, not the payout's amount.",
                line=st_line.payment_ref, amount=format_amount(self.env, st_line.amount, st_line.currency_id),
            ))

    def _write_entry(self, st_line, clearing_lines, result):
        """Replace the statement line's suspense line by the clearing and commission lines, then
        reconcile the clearing lines with the payments'.
        """
        move = st_line.move_id
        liquidity, suspense, _other = st_line._seek_for_lines()
        company_currency = self.company_id.currency_id
        partner = self.provider_ids.sudo()[:1].click_partner_id
        credits = [{
            'name': _("Click payment %s", line.payment_id.payment_transaction_id.provider_reference or line.name),
            'account_id': line.account_id.id,
            'partner_id': line.partner_id.id,
            'currency_id': self.currency_id.id,
            'amount_currency': -line.amount_residual_currency,
            'balance': -line.amount_residual,
        } for line in clearing_lines]
        fees = []
        fee_balance = -(liquidity.balance + sum(values['balance'] for values in credits))
        if result.commission or not company_currency.is_zero(fee_balance):
            fees = self._fee_lines(result.commission, fee_balance, partner)
        move.with_context(
            skip_readonly_check=True, skip_account_move_synchronization=True, force_delete=True, skip_invoice_sync=True,
        ).write({
            'partner_id': partner.id,
            'line_ids': [fields.Command.delete(suspense.id)] + [fields.Command.create(vals) for vals in credits + fees],
        })
        new_lines = move.line_ids - liquidity
        for clearing_line in clearing_lines:
            counterpart = new_lines.filtered(
                lambda line, cl=clearing_line: line.account_id == cl.account_id and not line.reconciled
                and line.currency_id.compare_amounts(line.amount_currency, -cl.amount_residual_currency) == 0
            )[:1]
            (clearing_line + counterpart).reconcile()

    def _fee_lines(self, commission, fee_balance, partner):
        """Click's commission on the expense account, its tax apart when the provider sets one."""
        provider = self.provider_ids.sudo()[:1]
        account = provider.click_fee_account_id or provider._click_fee_account()
        base_amount, tax_amount = settlement.split_tax(commission, self.fee_tax_id.amount) \
            if self.fee_tax_id else (commission, Decimal(0))
        tax_balance = self.company_id.currency_id.round(
            fee_balance * float(tax_amount / commission)) if commission and tax_amount else 0.0
        lines = [{
            'name': _("Click commission"),
            'account_id': account.id,
            'partner_id': partner.id,
            'currency_id': self.currency_id.id,
            'amount_currency': float(base_amount),
            'balance': fee_balance - tax_balance,
            'tax_ids': [fields.Command.set(self.fee_tax_id.ids)],
            'tax_tag_ids': [fields.Command.set(self.fee_tax_id.invoice_repartition_line_ids.filtered(
                lambda line: line.repartition_type == 'base').tag_ids.ids)],
        }]
        if tax_amount:
            repartition = self.fee_tax_id.invoice_repartition_line_ids.filtered(
                lambda line: line.repartition_type == 'tax')[:1]
            lines.append({
                'name': self.fee_tax_id.name,
                'account_id': (repartition.account_id or account).id,
                'partner_id': partner.id,
                'currency_id': self.currency_id.id,
                'amount_currency': float(tax_amount),
                'balance': tax_balance,
                'tax_repartition_line_id': repartition.id,
                'tax_tag_ids': [fields.Command.set(repartition.tag_ids.ids)],
                'tax_base_amount': fee_balance - tax_balance,
            })
        return lines

    def _click_ask_accountant(self, note):
        """A note and a to-do for the company's accounting manager, who handles Click's payment problems."""
        user = self.env['payment.transaction']._click_accountant(self.company_id)
        self._click_note_and_todo(note, _("Click payout to check"), user, once=False)


class PaymentClickSettlementLine(models.Model):
    """An unsettled Click payment offered to a payout; ticked when the payout covers it."""
    _name = 'payment.click.settlement.line'
    _description = "Click Settlement Payment"
    _order = 'date, id'

    settlement_id = fields.Many2one(comodel_name='payment.click.settlement', required=True, ondelete='cascade')
    company_id = fields.Many2one(related='settlement_id.company_id', store=True)
    currency_id = fields.Many2one(related='settlement_id.currency_id')
    selected = fields.Boolean(string="Covered")
    move_line_id = fields.Many2one(comodel_name='account.move.line', required=True, ondelete='cascade', readonly=True)
    date = fields.Date(related='move_line_id.date', store=True)
    payment_id = fields.Many2one(related='move_line_id.payment_id', string="Payment")
    partner_id = fields.Many2one(related='move_line_id.partner_id')
    provider_id = fields.Many2one(
        string="Service", related='move_line_id.payment_id.payment_transaction_id.provider_id',
    )
    click_payment_id = fields.Char(
        string="Click Payment", related='move_line_id.payment_id.payment_transaction_id.provider_reference',
    )
    amount = fields.Monetary(compute='_compute_amount', store=True)

    @api.depends('move_line_id')
    def _compute_amount(self):
        for line in self:
            line.amount = line.move_line_id.amount_residual_currency
