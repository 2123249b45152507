import logging
from decimal import Decimal
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.payment_click import const, messages
from odoo.addons.payment_click.click_api import fiscal
from odoo.addons.payment_click.click_api.fiscal import FiscalError
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError,
    MerchantBusinessError,
    MerchantHttpError,
    MerchantResponseError,
    MerchantTransportError,
)

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    """Fiscal receipts (SPEC §9): Click issues one per payment, so the receipt's state lives on the payment.

    Its lines come from the posted invoices the payment pays or, when there are none yet (an eCommerce
    order), from its confirmed sale orders. An invoice created later shows the same receipt.
    """
    _inherit = 'payment.transaction'

    click_receipt_state = fields.Selection(
        string="Fiscal Receipt", readonly=True, copy=False, index='btree_not_null',
        selection=[
            ('to_send', "To send"),
            ('sent', "Sent, waiting for its QR code"),
            ('done', "Issued"),
            ('failed', "Failed"),
        ],
        help="Where the fiscal receipt (OFD) of this Click payment stands. Click sends it to the tax "
             "office; Odoo sends its lines, then stores the receipt's QR address.",
    )
    click_receipt_qr_url = fields.Char(
        string="Fiscal Receipt URL", readonly=True, copy=False,
        help="The address of the fiscal receipt on the tax office's site, the one its QR code holds.",
    )
    click_receipt_error = fields.Text(string="Fiscal Receipt Error", readonly=True, copy=False)
    click_receipt_attempts = fields.Integer(
        string="Fiscal Receipt Attempts", readonly=True, copy=False,
        help="How many tries in a row failed for a passing reason (Click unreachable, QR code not ready).",
    )
    click_receipt_next_try = fields.Datetime(string="Fiscal Receipt Next Try", readonly=True, copy=False)
    click_needs_receipt = fields.Boolean(
        string="Needs a Fiscal Receipt", compute='_compute_click_needs_receipt', store=True,
        help="A Click payment that went through: Click issues a fiscal receipt for it.",
    )

    # === COMPUTE METHODS === #

    @api.depends('provider_id.code', 'state', 'click_is_self_test', 'operation', 'provider_reference',
                 'click_telegram_charge_id')
    def _compute_click_needs_receipt(self):
        for tx in self:
            tx.click_needs_receipt = tx.provider_code == 'click' and tx.state == 'done' and not tx.click_is_self_test \
                and tx.operation not in ('refund', 'validation') \
                and bool(tx.provider_reference or tx.click_telegram_charge_id)

    # === BUSINESS METHODS - QUEUE === #

    def _click_queue_fiscal_receipts(self):
        """Queue the fiscal receipt of each done Click payment, and wake the cron up; the cron sends it.

        Never in Click's callback, and never at the payment's expense: a failure here is logged, and the
        payment stays booked. A payment whose receipt is sent or issued keeps it.
        """
        txs = self.filtered(lambda tx: tx.click_needs_receipt and tx.click_receipt_state not in ('sent', 'done'))
        for tx in txs:
            try:
                with self.env.cr.savepoint():
                    tx.write({
                        'click_receipt_state': 'to_send', 'click_receipt_error': False,
                        'click_receipt_attempts': 0, 'click_receipt_next_try': False,
                    })
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception:  # noqa: BLE001 - the payment is booked whatever happens to its receipt
                _logger.exception("The fiscal receipt of %s could not be queued", tx.reference)
        if txs:
            self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger()
        return txs

    @api.model
    def _cron_click_send_fiscal_receipts(self, limit=50):
        """Send the queued fiscal receipts to Click, and fetch the QR codes of those sent; one commit each."""
        txs = self.search([
            ('click_receipt_state', 'in', ('to_send', 'sent')),
            '|', ('click_receipt_next_try', '=', False), ('click_receipt_next_try', '<=', fields.Datetime.now()),
        ], order='click_receipt_next_try, id', limit=limit)
        for tx in txs:
            tx._click_process_fiscal_receipt()
            self._click_commit()  # one payment's receipt at a time
        if len(txs) == limit:
            self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger()

    def _click_process_fiscal_receipt(self):
        """Take the receipt one or two steps on: send it (``to_send`` → ``sent``), then fetch its QR code
        (``sent`` → ``done``). The state is committed between both: a restart fetches, never resends.
        """
        self.ensure_one()
        self.env.cr.execute(SQL(
            "SELECT id FROM payment_transaction WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id,
        ))
        if not self.env.cr.fetchone():  # another worker has it
            return
        self.invalidate_recordset()
        if self.click_receipt_state == 'to_send':
            self._click_receipt_step(self._click_submit_fiscal_receipt)
            if self.click_receipt_state == 'sent':
                self._click_commit()  # sent is kept: a restart never resends (outside any savepoint)
        if self.click_receipt_state == 'sent':
            self._click_receipt_step(self._click_fetch_fiscal_receipt)

    def _click_receipt_step(self, step):
        """Run one step of this receipt in a savepoint: a failure nobody foresaw is undone and kept on this
        receipt, which is tried again later, and the other receipts go on. A concurrency error is raised,
        for the whole run to be replayed."""
        try:
            with self.env.cr.savepoint():
                step()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # noqa: BLE001 - one receipt's failure never stops the others
            _logger.exception("Fiscal receipt of %s left for a later run", self.reference)
            self._click_receipt_retry(messages.merchant_error(self.env, error))

    def _click_submit_fiscal_receipt(self):
        """Send the receipt's items to Click (SPEC §9.1), unless Click holds a receipt for the payment already."""
        self.ensure_one()
        try:
            receipt = self._click_build_fiscal_receipt()
        except FiscalError as error:
            self._click_receipt_failed(messages.receipt_not_sent(
                self.env, self._click_receipt_documents_name(), self.provider_reference, error,
            ))
            return
        client = self.provider_id._click_get_merchant_client()
        try:
            if self._click_receipt_found(client):  # sent by an earlier try whose answer was lost
                return
            client.submit_fiscal_items(
                receipt['payment_id'], receipt['items'], receipt['received_ecash'],
                receipt['received_cash'], receipt['received_card'],
            )
        except MerchantBusinessError as error:
            if not self.click_receipt_attempts:
                self._click_receipt_failed(self._click_refusal_message(error))
                return
            # An earlier try ended without an answer: this refusal may be Click's "the receipt exists".
            # The fiscal data tells, and nothing is sent again; Click's note stays, should it be a real refusal.
            _logger.info("Click refused the receipt of %s after an unanswered try: %s", self.reference, error)
            self.write({
                'click_receipt_state': 'sent',
                'click_receipt_error': error.error_note or messages.merchant_error(self.env, error),
                'click_receipt_next_try': False,
            })
            return
        except (MerchantApiError, ValueError) as error:
            self._click_receipt_problem(error)
            return
        self.write({
            'click_receipt_state': 'sent', 'click_receipt_attempts': 0, 'click_receipt_error': False,
            'click_receipt_next_try': False,
        })

    def _click_receipt_found(self, client):
        """Ask Click for the payment's receipt; store it and return True when Click has it."""
        try:
            answer = client.fiscal_data(self.provider_reference)
        except MerchantBusinessError:  # no fiscal data for the payment
            return False
        if not answer.get('qr_code_url'):
            return False
        self._click_receipt_done(answer['qr_code_url'])
        return True

    def _click_receipt_done(self, qr_url):
        self.write({
            'click_receipt_state': 'done', 'click_receipt_qr_url': qr_url, 'click_receipt_error': False,
            'click_receipt_attempts': 0, 'click_receipt_next_try': False,
        })
        records = self._click_receipt_note(Markup('%s <a href="%s" target="_blank">%s</a>') % (
            _("Fiscal receipt issued for Click payment %s:", self.provider_reference or self.click_telegram_charge_id),
            qr_url, qr_url,
        ))
        self._click_receipt_activities(records).action_feedback(feedback=_("The fiscal receipt is issued."))

    def _click_fetch_fiscal_receipt(self):
        """Read the receipt's QR address from Click (SPEC §9.3); while it has none, ask again later."""
        self.ensure_one()
        client = self.provider_id._click_get_merchant_client()
        try:
            if self._click_receipt_found(client):
                return
        except (MerchantApiError, ValueError) as error:
            return self._click_receipt_problem(error)
        # Click's refusal of a receipt sent again, or the last passing error, if any, is quoted.
        give_up = messages.receipt_without_qr(
            self.env, self._click_receipt_documents_name(), self.provider_reference, const.FISCAL_MAX_ATTEMPTS,
            self.click_receipt_error,
        )
        # The state says it waits for the QR code: the error, if any, is kept for the message above.
        self._click_receipt_retry(None, give_up=give_up)

    def _click_receipt_problem(self, error):
        """Try again later when it may help, else stop and ask the accountant."""
        if self._click_is_transient(error):
            return self._click_receipt_retry(messages.merchant_error(self.env, error))
        return self._click_receipt_failed(self._click_refusal_message(error))

    @api.model
    def _click_is_transient(self, error):
        """Whether trying again later may help: no answer, a server error or an answer Odoo could not read."""
        if isinstance(error, MerchantTransportError | MerchantResponseError):
            return True
        return isinstance(error, MerchantHttpError) and (error.status >= 500 or error.status == 429)

    def _click_refusal_message(self, error):
        note = getattr(error, 'error_note', None) or messages.merchant_error(self.env, error)
        return messages.receipt_refused(self.env, self._click_receipt_documents_name(), self.provider_reference, note)

    def _click_receipt_retry(self, reason, give_up=None):
        """Try again later, 5 minutes × 2^attempts (at most 6 hours) from now; give up after too many tries,
        saying ``give_up`` (by default, that Click could not be reached). A ``reason`` of None keeps the error."""
        attempts = self.click_receipt_attempts + 1
        if attempts >= const.FISCAL_MAX_ATTEMPTS:
            return self._click_receipt_failed(give_up or messages.receipt_unreachable(
                self.env, self._click_receipt_documents_name(), self.provider_reference, attempts, reason,
            ))
        delay = min(const.FISCAL_RETRY_DELAY * 2 ** (attempts - 1), const.FISCAL_MAX_RETRY_DELAY)
        values = {'click_receipt_attempts': attempts, 'click_receipt_next_try': fields.Datetime.now() + delay}
        if reason is not None:
            values['click_receipt_error'] = reason
        self.write(values)
        self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger(self.click_receipt_next_try)
        _logger.info("Fiscal receipt of %s: try %s failed, next at %s: %s", self.reference, attempts,
                     self.click_receipt_next_try, reason or "no QR code yet")
        return None

    def _click_receipt_failed(self, reason):
        """Stop: the receipt needs a person. A note, and a to-do for the accountant saying what to fix."""
        self.write({'click_receipt_state': 'failed', 'click_receipt_error': reason, 'click_receipt_next_try': False})
        for record in self._click_receipt_note(reason):
            activities = self._click_receipt_activities(record)
            if activities:
                activities.note = reason
            else:
                record.with_context(mail_notify_force_send=False).activity_schedule(
                    'mail.mail_activity_data_todo', summary=self._click_receipt_activity_summary(), note=reason,
                    user_id=self._click_accountant().id,
                )
        _logger.warning("Fiscal receipt of %s failed: %s", self.reference, reason)

    def _click_receipt_activity_summary(self):
        return _("Click fiscal receipt failed")

    def _click_receipt_activities(self, records):
        """The accountant's open to-dos about the failed receipt on ``records``."""
        return self.env['mail.activity'].search([
            ('res_model', '=', records._name), ('res_id', 'in', records.ids),
            ('summary', '=', self._click_receipt_activity_summary()),
        ])

    def _click_receipt_note(self, body):
        """Post ``body`` as a note on the receipt's documents (the customer's, when there are none)."""
        records = self._click_receipt_documents() or self.partner_id
        for record in records:
            record.message_post(body=body, subtype_xmlid='mail.mt_note')
        return records

    # === BUSINESS METHODS - THE RECEIPT'S LINES === #

    def _click_receipt_documents(self):
        """The documents whose lines make the receipt: the posted customer invoices this payment pays,
        else (an eCommerce order not invoiced yet) its confirmed sale orders."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(lambda move: move.move_type == 'out_invoice' and move.state == 'posted')
        orders = self._click_sale_orders()
        if invoices or orders is None:
            return invoices
        return orders.filtered(lambda order: order.state == 'sale')

    def _click_receipt_documents_name(self):
        return ', '.join(self._click_receipt_documents().mapped('display_name')) or self.reference

    def _click_build_fiscal_receipt(self):
        """The ``submit_items`` body of this payment's receipt.

        :raise FiscalError: saying what to fix, when the receipt cannot be made
        """
        self.ensure_one()
        documents = self._click_receipt_documents()
        if not documents:
            raise FiscalError(FiscalError.NO_DOCUMENTS, reference=self.reference)
        if not self.currency_id._click_is_supported() \
                or any(document.currency_id != self.currency_id for document in documents):
            raise FiscalError(FiscalError.CURRENCY)
        lines_field = 'invoice_line_ids' if documents._name == 'account.move' else 'order_line'
        marked = documents[lines_field].product_id.filtered('click_marking_required')
        if marked:
            raise FiscalError(FiscalError.MARKING_REQUIRED, products=', '.join(marked.mapped('display_name')))
        advances = documents.filtered(lambda document: any(
            line.price_total > 0 and line._fields.get('is_downpayment') and line.is_downpayment
            for line in document[lines_field]
        ))
        if advances:
            raise FiscalError(FiscalError.ADVANCE, documents=', '.join(advances.mapped('display_name')))
        lines = self._click_fiscal_lines(documents)
        return fiscal.build_receipt(
            self.provider_id.sudo().click_service_id, self.provider_reference, lines, Decimal(str(self.amount)),
            self._click_company_commission_info(),
        )

    def _click_company_commission_info(self):
        """``CommissionInfo`` of the company's own sales: its TIN, 9 digits, from its Tax ID."""
        try:
            return fiscal.company_commission_info(self.company_id.vat)
        except FiscalError as error:
            raise FiscalError(error.code, company=self.company_id.name, **error.params) from error

    def _click_fiscal_lines(self, documents):
        """The lines of ``documents`` (invoices or sale orders) as ``fiscal.ReceiptLine``."""
        lang = documents[:1].partner_id.lang or self.env.lang
        result = []
        for document in documents:
            if document._name == 'account.move':
                lines = document.invoice_line_ids.filtered(lambda line: line.display_type == 'product')
                result += [self._click_fiscal_line(
                    line, line.quantity, line.product_uom_id, line.tax_ids, lang,
                ) for line in lines]
            else:
                lines = document.order_line.filtered(lambda line: not line.display_type)
                result += [self._click_fiscal_line(
                    line, line.product_uom_qty, line.product_uom, line.tax_id, lang,
                ) for line in lines]
        return result

    @api.model
    def _click_fiscal_line(self, line, quantity, uom, taxes, lang):
        """One invoice or order line as a ``fiscal.ReceiptLine``: VAT-included amounts, totalling ``price_total``.

        The receipt states the line's own unit price (VAT included) and the discount that brings it to
        ``price_total`` exactly (``fiscal.unit_price_and_discount``). Negative lines (a down-payment
        deduction) go as one negative unit, which the builder spreads over the others.
        """
        product = line.product_id.with_context(lang=lang)
        label = product.display_name or (line.name or '').split('\n')[0] or _("Line %s", line.id)
        quantity = Decimal(str(quantity))
        total = Decimal(str(line.currency_id.round(line.price_total)))
        discount = Decimal(0)
        if total < 0:
            quantity, price_unit = Decimal(-1), -total
        elif not total or quantity <= 0:
            price_unit = Decimal(0)
        else:
            price_unit, discount = fiscal.unit_price_and_discount(
                self._click_vat_included_price(line, taxes), quantity, total,
            )
        template = product.product_tmpl_id
        return fiscal.ReceiptLine(
            label=label,
            name=product.name or (line.name or '').split('\n')[0],
            unit=uom.with_context(lang=lang).name or '',
            quantity=quantity,
            price_unit=price_unit,
            discount=discount,
            vat_percent=self._click_vat_percent(taxes, label),
            spic=template.click_spic or '',
            package_code=template.click_package_code or '',
            units_code=template.click_units_code or None,
            barcode=product.barcode or '',
            commission_info=template._click_commission_info() if template else None,  # a line may have no product
        )

    @api.model
    def _click_vat_included_price(self, line, taxes):
        """The line's unit price before discount, VAT included, as Decimal so'm: as written when its taxes
        are included in the price, else with them added to one unit."""
        taxes = taxes.flatten_taxes_hierarchy()
        if all(tax.price_include for tax in taxes):
            return Decimal(str(line.price_unit))
        return Decimal(str(taxes.compute_all(
            line.price_unit, currency=line.currency_id, product=line.product_id,
        )['total_included']))

    @api.model
    def _click_vat_percent(self, taxes, label):
        """The line's VAT rate: one percent tax, or none; the builder checks it is a whole percent."""
        taxes = taxes.flatten_taxes_hierarchy()
        if not taxes:
            return 0
        if len(taxes) > 1 or taxes.amount_type != 'percent':
            raise FiscalError(FiscalError.TAXES, line=label, taxes=', '.join(taxes.mapped('name')))
        return taxes.amount

    # === ACTIONS === #

    def action_click_send_fiscal_receipt(self):
        """Send the fiscal receipts of these payments now; one already issued is never sent again."""
        self._click_check_receipt_not_issued()
        for tx in self:
            if not tx.click_needs_receipt:
                raise UserError(_("%s is not a Click payment that went through: it needs no Click fiscal receipt.",
                                  tx.reference))
        self.filtered(lambda tx: tx.click_receipt_state not in ('to_send', 'sent'))._click_queue_fiscal_receipts()
        return self._click_run_fiscal_receipts()

    def _click_check_receipt_not_issued(self):
        """Refuse to send or attach a receipt for a payment that has one: Click never issues two."""
        issued = self.filtered(lambda tx: tx.click_receipt_state == 'done')
        if issued:
            raise UserError(_(
                "These payments have their fiscal receipt already, and Click never issues two for one payment: %s.",
                ', '.join(tx._click_receipt_documents_name() for tx in issued),
            ))

    def action_click_refresh_fiscal_data(self):
        """Ask Click for the receipts' QR codes now (and send those still queued)."""
        for tx in self:
            if not tx.click_receipt_state:
                raise UserError(_("%s has no Click fiscal receipt to refresh.", tx.reference))
            if tx.click_receipt_state in ('done', 'failed'):
                try:
                    tx._click_receipt_found(tx.provider_id._click_get_merchant_client())
                except (MerchantApiError, ValueError) as error:
                    raise UserError(_("Click could not be asked about the fiscal receipt of %(payment)s: %(error)s",
                                      payment=tx.reference, error=messages.merchant_error(self.env, error))) from error
        return self._click_run_fiscal_receipts()

    def _click_run_fiscal_receipts(self):
        for tx in self.filtered(lambda tx: tx.click_receipt_state in ('to_send', 'sent')):
            tx.click_receipt_next_try = False
            tx._click_process_fiscal_receipt()
        states = dict(self._fields['click_receipt_state']._description_selection(self.env))
        return self.env['account.move']._click_notification(*(
            self.env._("%(documents)s: %(state)s. %(error)s", documents=tx._click_receipt_documents_name(),
                       state=states.get(tx.click_receipt_state, ''), error=tx.click_receipt_error or '').strip()
            for tx in self
        ))

    def action_click_attach_fiscal_receipt(self):
        """Open the wizard that attaches a receipt the merchant's own cash register issued."""
        self.ensure_one()
        self._click_check_receipt_not_issued()
        return {
            'name': _("Attach an Existing Receipt"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.fiscal.receipt.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_transaction_id': self.id},
        }

    def _click_attach_fiscal_receipt(self, qr_url):
        """Tell Click the address of the receipt the merchant issued (SPEC §9.2), and store it."""
        self.ensure_one()
        self._click_check_receipt_not_issued()
        qr_url = (qr_url or '').strip()
        if urlsplit(qr_url).scheme != 'https' or not urlsplit(qr_url).hostname:
            raise UserError(_("Give the receipt's https address, the one its QR code holds, e.g. "
                              "https://ofd.soliq.uz/epi?t=..."))
        if not self.click_needs_receipt:
            raise UserError(_("%s is not a Click payment that went through: Click has no payment to attach a "
                              "receipt to.", self.reference))
        try:
            if not self._click_is_telegram():  # Click's Merchant API knows no payment made in Telegram
                self.provider_id._click_get_merchant_client().submit_fiscal_qrcode(self.provider_reference, qr_url)
        except (MerchantApiError, ValueError) as error:
            raise UserError(_("Click did not take the receipt of %(payment)s: %(error)s", payment=self.reference,
                              error=getattr(error, 'error_note', None) or messages.merchant_error(self.env, error),
                              )) from error
        self._click_receipt_done(qr_url)

    def _click_fiscal_receipts_shown(self):
        """The issued receipts among these payments, for the customer's portal pages."""
        return self.filtered(lambda tx: tx.provider_code == 'click' and tx.click_receipt_state == 'done'
                             and tx.click_receipt_qr_url)
