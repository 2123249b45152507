"""The emulated Click service of a test-mode provider: what the merchant told Click, and the fault switch."""
from odoo import api, fields, models

from odoo.addons.payment_click.emulator import click


class PaymentClickEmulatorService(models.Model):
    _name = 'payment.click.emulator.service'
    _description = "Click Emulator Service"
    _rec_name = 'provider_id'

    provider_id = fields.Many2one(
        'payment.provider', required=True, index=True, ondelete='cascade',
        domain=[('code', '=', 'click'), ('state', '=', 'test')],
    )
    fault = fields.Selection(
        selection=click.FAULTS, default='none', required=True,
        help="Make the Click emulator misbehave the way Click can, to see how Odoo copes.",
    )
    pass_confirm = fields.Boolean(
        string="CLICK Pass Confirmation Mode", help="Set by the merchant's click_pass/confirmation calls.",
    )

    _sql_constraints = [('provider_unique', 'UNIQUE(provider_id)', "One record per emulated service.")]

    @api.model
    def _of(self, provider):
        """The emulated service of ``provider``, created with Click's defaults on first use."""
        return self.search([('provider_id', '=', provider.id)]) or self.create({'provider_id': provider.id})

    @api.model
    def _fault(self, provider):
        """The fault the emulator plays for ``provider``: 'none' until one is set."""
        return self.search([('provider_id', '=', provider.id)]).fault or 'none'

    @api.model
    def _action_open_settings(self):
        """The emulated services of the Click providers in test mode, one for each."""
        providers = self.env['payment.provider'].search([('code', '=', 'click'), ('state', '=', 'test')])
        for provider in providers:
            self._of(provider)
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Click Emulator"),
            'res_model': self._name,
            'view_mode': 'list',
            'domain': [('provider_id', 'in', providers.ids)],
        }
