import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.payment_click import const


class PaymentProvider(models.Model):
    """Where Click's payouts arrive, and how Odoo recognises and books them."""
    _inherit = 'payment.provider'

    click_settlement_journal_id = fields.Many2one(
        string="Payout Journal", comodel_name='account.journal', check_company=True, copy=False,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="The bank journal where Click's payouts arrive. Defaults to the provider's journal.",
    )
    click_clearing_account_id = fields.Many2one(
        string="Clearing Account", comodel_name='account.account', check_company=True,
        compute='_compute_click_clearing_account_id', inverse='_inverse_click_clearing_account_id',
        domain="[('account_type', 'in', ('asset_current', 'liability_current')), ('reconcile', '=', True)]",
        help="Click payments post here until a payout settles them: what Click owes you. Changing it "
             "affects new payments only.",
    )
    click_fee_account_id = fields.Many2one(
        string="Commission Account", comodel_name='account.account', check_company=True, copy=False,
        help="The expense account of Click's commission.",
    )
    click_fee_tax_id = fields.Many2one(
        string="Commission Tax", comodel_name='account.tax', check_company=True, copy=False,
        domain="[('type_tax_use', '=', 'purchase'), ('amount_type', '=', 'percent')]",
        help="The tax included in the commission Click keeps, if Click charges one.",
    )
    click_fee_rate = fields.Float(
        string="Expected Commission (%)", default=const.SETTLEMENT_DEFAULT_RATE, digits=(5, 2),
        help="The share of each payment Click keeps, as agreed with Click. Used only to propose the "
             "payments of a payout and to warn when a payout's rate differs; 0 for gross payouts.",
    )
    click_fee_tolerance = fields.Float(
        string="Tolerance (points)", default=const.SETTLEMENT_DEFAULT_TOLERANCE, digits=(5, 2),
        help="How far, in percentage points, a payout's effective rate may be from the expected one.",
    )
    click_settlement_lag_days = fields.Integer(
        string="Payout Lag (days)", default=1,
        help="How many days after the payments Click usually pays them out (1 for the next day).",
    )
    click_statement_match = fields.Char(
        string="Payout Pattern", default=const.SETTLEMENT_STATEMENT_PATTERN,
        help="A regular expression recognising Click's payouts in a bank statement line's label or "
             "partner.",
    )
    click_partner_id = fields.Many2one(
        string="Click's Partner", comodel_name='res.partner',
        help="The company paying you on Click's behalf; its payouts and commission bills carry it.",
    )

    def _compute_click_clearing_account_id(self):
        for provider in self:
            provider.click_clearing_account_id = provider._click_payment_method_line().payment_account_id

    def _inverse_click_clearing_account_id(self):
        for provider in self:
            if line := provider._click_payment_method_line():
                line.sudo().payment_account_id = provider.click_clearing_account_id

    @api.constrains('click_statement_match')
    def _check_click_statement_match(self):
        for provider in self.filtered('click_statement_match'):
            try:
                re.compile(provider.click_statement_match)
            except re.error as error:
                raise ValidationError(_(
                    "The payout pattern %(pattern)s is not a valid regular expression: %(error)s",
                    pattern=provider.click_statement_match, error=error,
                )) from error

    @api.constrains('click_fee_rate', 'click_fee_tolerance', 'click_settlement_lag_days')
    def _check_click_settlement_figures(self):
        for provider in self:
            if not 0 <= provider.click_fee_rate < 100 or provider.click_fee_tolerance < 0 \
                    or provider.click_settlement_lag_days < 0:
                raise ValidationError(_(
                    "Click: the expected commission must be between 0 and 100 %, and the tolerance and "
                    "payout lag cannot be negative."
                ))

    # === BUSINESS METHODS === #

    def _click_payment_method_line(self):
        self.ensure_one()
        # As the provider's own company sees it, whichever companies the user has open.
        return self.env['account.payment.method.line'].sudo().search([
            ('payment_provider_id', '=', self.id), ('journal_id', '!=', False), ('payment_type', '=', 'inbound'),
        ], limit=1).sudo(self.env.su) if self.id else self.env['account.payment.method.line']

    def _get_payment_method_outstanding_account_id(self, payment_method_id):
        """Override of `account_payment` to post Click payments to Click's own clearing account."""
        if self.code != 'click':
            return super()._get_payment_method_outstanding_account_id(payment_method_id)
        return self._click_clearing_account().id

    def _ensure_payment_method_line(self, allow_create=True):  # pylint: disable=missing-return  # core's returns nothing
        """Override of `account_payment` to prepare settlements once the provider has a journal."""
        super()._ensure_payment_method_line(allow_create=allow_create)
        self.invalidate_recordset(['click_clearing_account_id'])
        if self.code == 'click' and self.journal_id and self._click_payment_method_line():
            self._click_setup_settlement()

    def _click_setup_settlement(self):
        """Give each provider a clearing account, a commission account, Click's partner and a payout
        journal, and post its new payments to the clearing account. Idempotent; posted payments stay
        where they are.
        """
        for provider in self:
            company = provider.company_id
            chart = self.with_company(company).env['account.chart.template']
            generic = chart.ref('account_journal_payment_debit_account_id', raise_if_not_found=False)
            line = provider._click_payment_method_line()
            if line.payment_account_id in (generic, self.env['account.account']):
                line.sudo().payment_account_id = provider._click_clearing_account()
                provider.invalidate_recordset(['click_clearing_account_id'])
            defaults = {
                'click_settlement_journal_id': lambda p: p.journal_id,
                'click_fee_account_id': lambda p: p._click_fee_account(),
                'click_partner_id': lambda p: p._click_partner(),
            }
            if missing := {name: default(provider).id for name, default in defaults.items() if not provider[name]}:
                provider.write(missing)
            xml_id = f'payment_click.{company.id}_reconcile_model_click_commission'
            if self.env.ref(xml_id, raise_if_not_found=False):
                continue
            self.env['account.reconcile.model']._load_records([{
                'xml_id': xml_id,
                'noupdate': True,
                'values': {
                    'name': _("Click commission"),
                    'company_id': company.id,
                    'rule_type': 'writeoff_button',
                    'match_journal_ids': [fields.Command.link(provider.click_settlement_journal_id.id)],
                    'match_label': 'match_regex',
                    'match_label_param': provider.click_statement_match or const.SETTLEMENT_STATEMENT_PATTERN,
                    'line_ids': [fields.Command.create({
                        'account_id': provider.click_fee_account_id.id,
                        'amount_type': 'percentage',
                        'amount_string': '100',
                        'label': _("Click commission"),
                    })],
                },
            }])

    def _click_clearing_account(self):
        """The company's "Click: payments to settle" account, created once per company."""
        self.ensure_one()
        company = self.company_id.root_id
        xml_id = f'payment_click.{company.id}_click_clearing_account'
        if account := self.env.ref(xml_id, raise_if_not_found=False):
            return account
        Account = self.env['account.account'].with_company(company)
        start = (company.bank_account_code_prefix or '1') + '9'
        return Account._load_records([{'xml_id': xml_id, 'noupdate': True, 'values': {
            'name': _("Click: payments to settle"),
            'code': Account._search_new_account_code(start, cache=set()),
            'account_type': 'asset_current',
            'reconcile': True,
            'company_ids': [fields.Command.set(company.ids)],
        }}])

    def _click_fee_account(self):
        """The company's "Bank Fees" account, else a "Click commission" account created once."""
        self.ensure_one()
        company = self.company_id.root_id
        chart = self.with_company(company).env['account.chart.template']
        if account := chart.ref('expense_finance', raise_if_not_found=False):
            return account
        xml_id = f'payment_click.{company.id}_click_commission_account'
        if account := self.env.ref(xml_id, raise_if_not_found=False):
            return account
        Account = self.env['account.account'].with_company(company)
        return Account._load_records([{'xml_id': xml_id, 'noupdate': True, 'values': {
            'name': _("Click commission"),
            'code': Account._search_new_account_code('6299', cache=set()),
            'account_type': 'expense',
            'company_ids': [fields.Command.set(company.ids)],
        }}])

    @api.model
    def _click_partner(self):
        """Click's partner, created once; its tax id is the merchant's to fill in."""
        return self.env.ref('payment_click.partner_click', raise_if_not_found=False) or \
            self.env['res.partner']._load_records([{
                'xml_id': 'payment_click.partner_click', 'noupdate': True,
                'values': {'name': "CLICK LLC", 'is_company': True, 'country_id': self.env.ref('base.uz').id},
            }])

    def _click_matches_statement_line(self, st_line):
        """Tell whether a bank statement line looks like one of this provider's payouts."""
        self.ensure_one()
        pattern = self.click_statement_match or const.SETTLEMENT_STATEMENT_PATTERN
        text = ' '.join(filter(None, [st_line.payment_ref, st_line.partner_id.name, st_line.partner_name]))
        return bool(re.search(pattern, text)) or (self.click_partner_id and st_line.partner_id == self.click_partner_id)
