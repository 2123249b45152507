"""The go-live self-test of a Click provider: deployment checks and Click's fifteen scenarios, played
over HTTP against its public Prepare and Complete URLs, kept as a report."""
from odoo import _, api, fields, models
from odoo.fields import Command
from odoo.service.model import retrying
from odoo.tools import config, format_datetime

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api.shop_client import run_scenarios
from odoo.addons.payment_click.click_api.self_test import Cause, UnansweredCall, likely_cause
from odoo.addons.payment_click.messages import self_test_advice, self_test_cause


class PaymentClickSelfTest(models.Model):
    _name = 'payment.click.self.test'
    _description = "Click Self-Test"
    _order = 'id desc'

    provider_id = fields.Many2one(
        comodel_name='payment.provider', required=True, readonly=True, index=True,
        ondelete='cascade',
    )
    company_id = fields.Many2one(related='provider_id.company_id')
    service_id = fields.Char(string="Service ID", readonly=True)
    prepare_url = fields.Char(string="Prepare URL", readonly=True)
    complete_url = fields.Char(string="Complete URL", readonly=True)
    reference_prefix = fields.Char(
        string="Test Payments", compute='_compute_reference_prefix',
        help="The references of the run's payments start with it; they are hidden from the transaction lists.",
    )
    check_ids = fields.One2many(
        string="Deployment Checks", comodel_name='payment.click.self.test.check', inverse_name='run_id',
        readonly=True,
    )
    step_ids = fields.One2many(
        string="Scenarios", comodel_name='payment.click.self.test.step', inverse_name='run_id', readonly=True,
    )
    passed = fields.Boolean(
        compute='_compute_passed', store=True,
        help="Each of Click's fifteen scenarios got the answer Click expects.",
    )
    checks_passed = fields.Boolean(
        compute='_compute_checks_passed', store=True, help="Each deployment check passed.",
    )
    result = fields.Char(compute='_compute_result')  # in the reader's language, so not stored

    # === COMPUTE METHODS === #

    def _compute_reference_prefix(self):
        for run in self:
            run.reference_prefix = const.SELF_TEST_REFERENCE.format(run_id=run.id)

    @api.depends('step_ids.passed')
    def _compute_passed(self):
        for run in self:
            run.passed = bool(run.step_ids) and all(run.step_ids.mapped('passed'))

    @api.depends('check_ids.passed')
    def _compute_checks_passed(self):
        for run in self:
            run.checks_passed = all(run.check_ids.mapped('passed'))

    @api.depends('step_ids.passed', 'check_ids.passed')
    def _compute_result(self):
        for run in self:
            run.result = _(
                "%(steps)s of %(step_count)s scenarios passed, %(checks)s of %(check_count)s checks passed",
                steps=len(run.step_ids.filtered('passed')), step_count=len(run.step_ids),
                checks=len(run.check_ids.filtered('passed')), check_count=len(run.check_ids),
            )

    @api.depends('create_date', 'result')
    def _compute_display_name(self):
        for run in self:
            run.display_name = _("%(date)s: %(result)s", date=format_datetime(self.env, run.create_date),
                                 result=run.result)

    # === ACTION METHODS === #

    def action_open(self):
        """Show the run as the report the merchant reads, in a dialog."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': _("Click Self-Test"),
            'res_model': self._name,
            'res_id': self.id,
            'views': [(False, 'form')],
            'target': 'new',
        }

    # === BUSINESS METHODS === #

    @api.model
    def _run(self, provider):
        """Check ``provider``'s deployment and play Click's scenarios over HTTP against its public URLs.

        Click's calls come back to this server while this request waits for them. The run and its
        payments are therefore committed on a cursor of their own before the first call, this
        request holds no lock the calls need, and no cursor stays open while they run (the test
        cursor of Odoo's HTTP tests serialises requests). The results are written on another cursor.

        :return: the run, committed
        """
        self.env.flush_all()  # what this request changed must be what the calls see
        client = provider._click_self_test_client()
        checks = provider._click_deployment_checks(client)
        with self.env.registry.cursor() as cr:
            run = self.with_env(self.env(cr=cr)).create({
                'provider_id': provider.id,
                'service_id': provider.click_service_id,
                'prepare_url': client.prepare_url,
                'complete_url': client.complete_url,
                'check_ids': [Command.create(check) for check in checks],
            })
            orders = run._create_transactions()
            run_id, unknown_reference = run.id, f'{run.reference_prefix}-X'
        results = run_scenarios(client, orders, unknown_reference)
        with self.env.registry.cursor() as cr:
            run = self.with_env(self.env(cr=cr)).browse(run_id)
            retrying(lambda: run._record(results), run.env)
        return self.browse(run_id)

    def _create_transactions(self):
        """Create the three fresh payments the scenarios need, flagged as self-test payments.

        :return: ``{chain: (reference, amount)}``, as ``run_scenarios`` takes them
        """
        self.ensure_one()
        orders = {chain: (f'{self.reference_prefix}-{chain}', amount)
                  for chain, amount in const.SELF_TEST_AMOUNTS.items()}
        self.env['payment.transaction'].sudo().create([{
            'provider_id': self.provider_id.id,
            'payment_method_id': self.env.ref('payment_click.payment_method_click').id,
            'reference': reference,
            'amount': amount,
            'currency_id': self.env.ref('base.UZS').id,
            'partner_id': self.provider_id.company_id.partner_id.id,
            'operation': 'online_redirect',
            'click_is_self_test': True,
        } for reference, amount in orders.values()])
        return orders

    def _record(self, results):
        """Keep one step per scenario result, and cancel the payments the scenarios left unsettled."""
        self.ensure_one()
        self.step_ids = [Command.create(self._step_values(result)) for result in results]
        unsettled = self.env['payment.transaction'].sudo().search([
            ('reference', '=like', f'{self.reference_prefix}-%'), ('click_is_self_test', '=', True),
            ('state', '=', 'draft'),
        ])
        unsettled._set_canceled(state_message=_("The self-test ended before Click's scenarios settled it."))

    def _step_values(self, result):
        response = result.response
        cause = likely_cause(result)
        return {
            'step': result.step,
            'sent': ' '.join(f'{name}={value}' for name, value in response.form.items()),
            'expected': result.expected,
            'received': self._received_text(response),
            'response': response.text[:const.SELF_TEST_RESPONSE_LENGTH],
            'http_status': response.status,
            'passed': result.passed,
            'cause_code': cause and self._cause_code(cause),
        }

    @api.model
    def _received_text(self, response):
        """What came back for a call: Click's code and note, else the HTTP status or the failure."""
        if isinstance(response, UnansweredCall):
            if response.cause is Cause.SKIPPED:
                return _("not sent")
            if response.cause is Cause.REDIRECT:
                return _("HTTP %s redirect", response.status)
            return _("no answer")
        if isinstance(response.error, int):
            return f"{response.error} ({response.body.get('error_note', '')})"
        return _("HTTP %(status)s (%(content_type)s)", status=response.status,
                 content_type=response.content_type or _("no content type"))

    @api.model
    def _cause_code(self, cause):
        """``cause`` as stored: a timeout on a server with a single worker is that worker's doing."""
        return Cause.SINGLE_WORKER.value if cause is Cause.TIMEOUT and config['workers'] == 1 else cause.value


class PaymentClickSelfTestCheck(models.Model):
    _name = 'payment.click.self.test.check'
    _description = "Click Self-Test Deployment Check"
    _order = 'run_id, id'
    _rec_name = 'code'

    run_id = fields.Many2one(
        comodel_name='payment.click.self.test', required=True, readonly=True, index=True, ondelete='cascade',
    )
    code = fields.Selection(string="Check", selection=const.SELF_TEST_CHECKS, required=True, readonly=True)
    passed = fields.Boolean(readonly=True)
    advice = fields.Json(readonly=True, help="Why the check failed, as a code and its values: worded when read.")
    note = fields.Text(string="How to Fix", compute='_compute_note')
    fixed = fields.Boolean(
        string="Fixed Since", compute='_compute_note',
        help="Failed in this run, and passes with the settings as they are now: run the test again to confirm.",
    )

    @api.depends('advice', 'passed', 'code')
    @api.depends_context('lang')
    def _compute_note(self):
        settings = {}
        for check in self:
            provider = check.run_id.provider_id
            if not check.passed and provider not in settings:
                settings[provider] = provider._click_settings_checks()
            check.fixed = not check.passed and settings[provider].get(check.code, (False,))[0]
            note = not check.passed and self_test_advice(self.env, check.advice or {})
            check.note = _("Fixed since this run: run the test again to confirm. %s", note) if check.fixed else note


class PaymentClickSelfTestStep(models.Model):
    _name = 'payment.click.self.test.step'
    _description = "Click Self-Test Scenario Step"
    _order = 'run_id, id'
    _rec_name = 'step'

    run_id = fields.Many2one(
        comodel_name='payment.click.self.test', required=True, readonly=True, index=True, ondelete='cascade',
    )
    step = fields.Char(readonly=True)
    description = fields.Char(string="Scenario", compute='_compute_description')
    sent = fields.Text(readonly=True, help="The form posted, as Click posts it.")
    expected = fields.Integer(readonly=True, help="The error code Click expects.")
    received = fields.Char(readonly=True)
    response = fields.Text(string="Answer", readonly=True, help="The answer as received, shortened.")
    http_status = fields.Integer(string="HTTP Status", readonly=True, help="0 when no answer came.")
    passed = fields.Boolean(readonly=True)
    cause_code = fields.Selection(
        string="Cause", readonly=True, selection=[(cause.value, cause.name.replace('_', ' ').capitalize())
                                                  for cause in Cause],
    )
    cause = fields.Text(string="Likely Cause", compute='_compute_cause')

    @api.depends('step')
    @api.depends_context('lang')
    def _compute_description(self):
        descriptions = {
            'A1': _("Prepare with a wrong signature"),
            'A2': _("Prepare for an unknown order"),
            'A3': _("Prepare"),
            'A4': _("Complete with a wrong signature"),
            'A5': _("Complete with a wrong amount"),
            'A6': _("Complete"),
            'A7': _("Complete again"),
            'A8': _("Cancel a paid order"),
            'B1': _("Prepare"),
            'B2': _("Complete with an unknown merchant_prepare_id"),
            'B3': _("Complete"),
            'C1': _("Prepare"),
            'C2': _("Complete with a cancellation"),
            'C3': _("Cancellation repeated"),
            'C4': _("Complete after the cancellation"),
        }
        for step in self:
            step.description = descriptions.get(step.step, step.step)

    @api.depends('cause_code', 'response', 'http_status')
    @api.depends_context('lang')
    def _compute_cause(self):
        for step in self:
            step.cause = step.cause_code and self_test_cause(
                self.env, Cause(step.cause_code), step.response or '', step.http_status)
