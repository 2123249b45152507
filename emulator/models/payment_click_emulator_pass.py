"""Click's side of CLICK Pass in test mode: the payer's QR codes, and the payments they make."""
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.payment_click.click_api.shop_client import new_click_id
from odoo.addons.payment_click.emulator import click, click_pass
from odoo.addons.payment_click.emulator.click import MerchantCode, MerchantRefusal


class PaymentClickEmulatorPass(models.Model):
    _name = 'payment.click.emulator.pass'
    _description = "Click Emulator CLICK Pass Code"
    _order = 'id desc'
    _rec_name = 'otp_data'

    otp_data = fields.Char(
        string="Code", required=True, index=True, default=lambda self: click_pass.new_otp(),
        help="What the QR code in the payer's Click app holds.",
    )
    phone_number = fields.Char(required=True, default=click.PAYER_PHONE)
    outcome = fields.Selection(
        selection=[
            ('pay', "Pay"),
            ('confirm', "Pay once the merchant confirms"),
            ('processing', "Stay processing for a while"),
            ('fail', "Fail: insufficient funds"),
        ], required=True, default='pay',
    )
    processing_type = fields.Selection(
        selection=[(name, name) for name in click_pass.PROCESSING_TYPES], required=True, default='UZCARD',
    )
    payment_id = fields.Char(string="Paid With", help="Click's payment the code made, once used.")

    _sql_constraints = [('otp_data_unique', 'UNIQUE(otp_data)', "CLICK Pass codes are unique.")]

    @api.model
    def _current(self, phone_number=None):
        """The payer's latest unused, unexpired code, or a new one like the last."""
        phone_number = phone_number or click.PAYER_PHONE
        code = self.search([('phone_number', '=', phone_number)], limit=1)
        if code and not code.payment_id and fields.Datetime.now() - code.create_date <= click_pass.CODE_VALIDITY:
            return code
        return self.create({'phone_number': phone_number, 'outcome': code.outcome or 'pay',
                            'processing_type': code.processing_type or 'UZCARD'})

    @api.model
    def _renew(self, phone_number, outcome, processing_type):
        """Show the payer a new code that does ``outcome`` with a card of ``processing_type``.

        :return: what the page tells the payer, and the new code
        """
        if outcome not in click_pass.OUTCOMES or processing_type not in click_pass.PROCESSING_TYPES:
            return self.env._("Choose what the payment does and the card to pay with."), self._current(phone_number)
        code = self.create({'phone_number': phone_number or click.PAYER_PHONE, 'outcome': outcome,
                            'processing_type': processing_type})
        outcome_label = dict(self._fields['outcome']._description_selection(self.env))[outcome]
        return self.env._("New CLICK Pass code: %s.", outcome_label), code

    @api.model
    def _pay(self, provider, body):
        """Answer ``click_pass/payment`` (SPEC §8.2) for ``provider``'s service; the code is used once.

        :raise MerchantRefusal: for a malformed body, an unusable code or a payer who cannot pay
        """
        request_ = click_pass.parse_pass_payment(body)
        self.env.cr.execute(SQL(  # one payment per code, even when two desks scan it at once
            "SELECT id FROM payment_click_emulator_pass WHERE otp_data = %s FOR UPDATE", request_.otp_data,
        ))
        code = self.browse([row[0] for row in self.env.cr.fetchall()])
        now = fields.Datetime.now()
        click_pass.check_code_usable(bool(code), code.payment_id, code.create_date, now)
        status, note, confirm_mode, confirm_by, processing_until = click_pass.pay(
            code.outcome, self.env['payment.click.emulator.service']._of(provider).pass_confirm, now,
        )
        payment_id = new_click_id()
        code.payment_id = str(payment_id)
        self.env['payment.click.emulator.payment'].create({
            'provider_id': provider.id,
            'payment_id': str(payment_id),
            'merchant_trans_id': request_.transaction_id or str(payment_id),
            'amount': float(request_.amount),
            'payment_status': status,
            'status_note': note,
            'pass_cashbox_code': request_.cashbox_code,
            'pass_confirm_by': confirm_by,
            'pass_processing_until': processing_until,
        })
        return click_pass.payment_answer(payment_id, status, confirm_mode, code.processing_type, code.phone_number)


class PaymentClickEmulatorPayment(models.Model):
    _inherit = 'payment.click.emulator.payment'

    pass_cashbox_code = fields.Char(string="CLICK Pass Cash Desk")
    pass_confirm_by = fields.Datetime(
        string="Confirm By", help="CLICK Pass in confirmation mode: Click cancels the payment unless the "
                                  "merchant confirms it by then.",
    )
    pass_processing_until = fields.Datetime(
        string="Processing Until", help="CLICK Pass: the payment stays processing until then, then succeeds.",
    )

    @api.model
    def _find_one(self, provider, payment_id):
        """Override to bring a CLICK Pass payment up to date before it is reported."""
        return super()._find_one(provider, payment_id)._pass_advance()

    @api.model
    def _find_by_reference(self, provider, merchant_trans_id, day=None, oldest=False):
        """Override to bring a CLICK Pass payment up to date before it is reported."""
        return super()._find_by_reference(provider, merchant_trans_id, day, oldest)._pass_advance()

    def _pass_advance(self):
        """Apply what time did to the payment: no confirmation cancels it, processing ends."""
        for payment in self:
            changed = click_pass.status_now(payment.payment_status, payment.pass_confirm_by,
                                               payment.pass_processing_until, fields.Datetime.now())
            if changed:
                payment.write({'payment_status': changed[0], 'status_note': changed[1]})
        return self

    def _pass_confirm(self):
        """Confirm a CLICK Pass payment waiting for the merchant (SPEC §8.3).

        :raise MerchantRefusal: when it is not waiting for a confirmation
        """
        self.ensure_one()
        if self.click_trans_id:  # paid on Click's payment page
            raise MerchantRefusal(MerchantCode.NOT_FOUND, f"Payment {self.payment_id} is not a CLICK Pass payment.")
        status, note = click_pass.confirm(self.payment_status, self.pass_confirm_by)
        self.write({'payment_status': status, 'status_note': note, 'pass_confirm_by': False})
