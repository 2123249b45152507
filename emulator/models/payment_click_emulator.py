"""Click's side of test mode: the invoices and payments the emulator keeps, as Click's servers would.

Odoo runs several worker processes, so the emulator keeps its state here rather than in memory.
"""
import json

from odoo import api, fields, models

from odoo.addons.payment_click.click_api import fiscal
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.shop import PAYMENT_SUCCESSFUL
from odoo.addons.payment_click.click_api.shop_client import new_click_id
from odoo.addons.payment_click.emulator import click
from odoo.addons.payment_click.emulator.click import MerchantCode, MerchantRefusal


class PaymentClickEmulatorInvoice(models.Model):
    _name = 'payment.click.emulator.invoice'
    _description = "Click Emulator Invoice"
    _order = 'id desc'
    _rec_name = 'invoice_id'

    provider_id = fields.Many2one('payment.provider', required=True, index=True, ondelete='cascade')
    # Click's ids are 64-bit; an Integer field is 32-bit.
    invoice_id = fields.Char(
        string="Invoice ID", required=True, index=True, default=lambda self: str(new_click_id()),
    )
    amount = fields.Float(digits=(16, 2), required=True)
    phone_number = fields.Char(required=True, index=True)
    merchant_trans_id = fields.Char(string="Merchant Transaction ID", required=True)
    invoice_status = fields.Integer(default=click.INVOICE_WAITING, required=True)
    invoice_status_note = fields.Char(default="Waiting")

    _sql_constraints = [('invoice_id_unique', 'UNIQUE(invoice_id)', "Click's invoice ids are unique.")]

    @api.model
    def _find_one(self, provider, invoice_id):
        """Return the invoice ``invoice_id`` of ``provider``.

        :raise MerchantRefusal: when there is none
        """
        invoice = self.search([('provider_id', '=', provider.id), ('invoice_id', '=', str(invoice_id))])
        if not invoice:
            raise MerchantRefusal(MerchantCode.NOT_FOUND, f"No invoice {invoice_id} in this service.")
        return invoice

    @api.model
    def _waiting_for(self, phone_number):
        """The invoices of providers in test mode waiting for the Click user of ``phone_number``."""
        return self.search([
            ('phone_number', '=', phone_number),
            ('invoice_status', '=', click.INVOICE_WAITING),
            ('provider_id.code', '=', 'click'),
            ('provider_id.state', '=', 'test'),
        ])

    def _mark_answered(self, paid):
        """Mark the invoice paid or declined by its payer, before anything else may act on it, or
        waiting again (``paid=None``) when the merchant refused its payment.

        The write is flushed at once: a second request answering the same invoice then waits for
        this one and, once replayed, no longer finds the invoice waiting.
        """
        self.ensure_one()
        self.write({
            None: {'invoice_status': click.INVOICE_WAITING, 'invoice_status_note': "Waiting"},
            True: {'invoice_status': click.INVOICE_PAID, 'invoice_status_note': "Paid"},
            False: {'invoice_status': click.INVOICE_DELETED,
                    'invoice_status_note': "Deleted: declined by the payer"},
        }[paid])
        self.flush_recordset()


class PaymentClickEmulatorPayment(models.Model):
    _name = 'payment.click.emulator.payment'
    _description = "Click Emulator Payment"
    _order = 'id desc'
    _rec_name = 'payment_id'

    provider_id = fields.Many2one('payment.provider', required=True, index=True, ondelete='cascade')
    payment_id = fields.Char(
        string="Payment ID", required=True, index=True, help="Click's click_paydoc_id, 64-bit.",
    )
    click_trans_id = fields.Char(string="Click Transaction ID")
    merchant_trans_id = fields.Char(string="Merchant Transaction ID", required=True, index=True)
    amount = fields.Float(digits=(16, 2), required=True)
    payment_date = fields.Datetime(default=fields.Datetime.now, required=True)
    payment_status = fields.Integer(
        required=True, help="Below 0 failed (-9: reversed), 0 created, 1 processing, 2 successful.",
    )
    status_note = fields.Char()
    reversed_amount = fields.Float(digits=(16, 2))
    # The payment's fiscal receipt (SPEC §9): one at most, sent as items or attached by its address.
    fiscal_receipt = fields.Text(
        help="The receipt submit_items sent, as JSON: its items and received_* amounts, in tiyin.",
    )
    fiscal_qr_url = fields.Char(string="Fiscal Receipt URL")

    _sql_constraints = [('payment_id_unique', 'UNIQUE(payment_id)', "Click's payment ids are unique.")]

    @api.model
    def _record(self, provider_id, prepared, declined):
        """Record the payment whose Prepare the merchant answered with ``prepared``."""
        payment_status, status_note = click.debit_outcome(prepared, declined)
        form = prepared.form
        return self.create({
            'provider_id': provider_id,
            'payment_id': form['click_paydoc_id'],
            'click_trans_id': form['click_trans_id'],
            'merchant_trans_id': form['merchant_trans_id'],
            'amount': float(form['amount']),
            'payment_status': payment_status,
            'status_note': status_note,
        })

    @api.model
    def _find_one(self, provider, payment_id):
        """Return the payment ``payment_id`` of ``provider``.

        :raise MerchantRefusal: when there is none
        """
        payment = self.search([('provider_id', '=', provider.id), ('payment_id', '=', str(payment_id))])
        if not payment:
            raise MerchantRefusal(MerchantCode.NOT_FOUND, f"No payment {payment_id} in this service.")
        return payment

    @api.model
    def _find_by_reference(self, provider, merchant_trans_id, day=None, oldest=False):
        """Return the payment of ``provider`` for ``merchant_trans_id`` made on ``day`` (Tashkent time).

        Of several attempts, a successful one answers first, then the latest; with ``oldest``, the
        first attempt answers, successful or not, as Click may.

        :param date day: None for any day
        :raise MerchantRefusal: when there is none
        """
        payments = self.search([
            ('provider_id', '=', provider.id), ('merchant_trans_id', '=', merchant_trans_id),
        ]).filtered(lambda p: day is None or click.tashkent_time(p.payment_date).date() == day)
        if not payments:
            raise MerchantRefusal(MerchantCode.NOT_FOUND, f"No payment of merchant_trans_id {merchant_trans_id}"
                                                          + (f" on {day:%Y-%m-%d}." if day else "."))
        if oldest:
            return min(payments, key=lambda p: p.id)
        return max(payments, key=lambda p: (p.payment_status == PAYMENT_SUCCESSFUL, p.id))

    def _reverse(self, amount=None):
        """Reverse the payment at Click, in full or by ``amount``.

        :param Decimal amount: None for all that is left
        :raise MerchantRefusal: when Click would refuse it
        """
        self.ensure_one()
        total = to_decimal(self.amount)
        payment_status, reversed_amount = click.decide_reversal(
            self.payment_status, total, to_decimal(self.reversed_amount), self.payment_date,
            fields.Datetime.now(), amount,
        )
        self.write({
            'payment_status': payment_status,
            'reversed_amount': float(reversed_amount),
            'status_note': "Reversed" if payment_status == click.PAYMENT_REVERSED
            else f"Partially reversed: {reversed_amount} of {total} so'm",
        })

    def _submit_fiscal_items(self, body):
        """Accept the receipt of a ``submit_items`` body (SPEC §9.1) and issue its QR address.

        :raise MerchantRefusal: when Click would refuse it
        """
        self.ensure_one()
        click.check_receipt_allowed(self.payment_status, bool(self.fiscal_qr_url))
        receipt = click.check_fiscal_receipt(body, fiscal.to_tiyin(self.amount))
        self.write({
            'fiscal_receipt': json.dumps(receipt, ensure_ascii=False),
            'fiscal_qr_url': click.fiscal_qr_url(int(self.payment_id), fields.Datetime.now()),
        })

    def _submit_fiscal_qrcode(self, qrcode):
        """Attach a receipt the merchant issued itself, by its address (SPEC §9.2).

        :raise MerchantRefusal: when Click would refuse it
        """
        self.ensure_one()
        click.check_receipt_allowed(self.payment_status, bool(self.fiscal_qr_url))
        self.fiscal_qr_url = click.read_receipt_url(qrcode)
