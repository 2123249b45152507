import logging
import re
from decimal import ROUND_CEILING, Decimal
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.payment_click import const
from odoo.addons.payment_click.click_api import fiscal
from odoo.addons.payment_click.click_api.amounts import to_decimal
from odoo.addons.payment_click.click_api.fiscal import FiscalError
from odoo.addons.payment_click.click_api.merchant import (
    MerchantApiError,
    MerchantBusinessError,
    MerchantHttpError,
    MerchantResponseError,
    MerchantTransportError,
)

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = 'account.move'

    click_invoice_id = fields.Char(
        compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
        help="Click's id of the latest invoice sent to the customer's phone for this invoice.",
    )
    click_invoice_phone = fields.Char(
        string="Click Invoice Sent To", compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
    )
    click_invoice_status = fields.Selection(
        compute='_compute_click_invoice', compute_sudo=True,
        groups='account.group_account_invoice',
        selection=[('waiting', "Waiting for the customer"), ('paid', "Paid"), ('cancelled', "Cancelled")],
    )

    click_receipt_state = fields.Selection(
        string="Fiscal Receipt", readonly=True, copy=False, index='btree_not_null',
        selection=[
            ('to_send', "To send"),
            ('sent', "Sent, waiting for its QR code"),
            ('done', "Issued"),
            ('failed', "Failed"),
            ('not_needed', "Not needed"),
        ],
        help="Where the fiscal receipt (OFD) of the invoice's Click payment stands. Click sends it to the "
             "tax office; Odoo sends its lines, then stores the receipt's QR address.",
    )
    click_receipt_transaction_id = fields.Many2one(
        string="Fiscal Receipt Payment", comodel_name='payment.transaction', readonly=True, copy=False,
        help="The Click payment the fiscal receipt is issued for.",
    )
    click_receipt_payment_id = fields.Char(
        string="Click Payment ID", related='click_receipt_transaction_id.provider_reference',
        help="Click's number of the payment the fiscal receipt belongs to (click_paydoc_id).",
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

    # === COMPUTE METHODS === #

    @api.depends('transaction_ids.click_invoice_id', 'transaction_ids.state')
    def _compute_click_invoice(self):
        statuses = {'draft': 'waiting', 'pending': 'waiting', 'authorized': 'paid', 'done': 'paid'}
        for move in self:
            tx = move._click_invoice_transaction()
            move.click_invoice_id = tx.click_invoice_id
            move.click_invoice_phone = tx.click_invoice_phone and f'+{tx.click_invoice_phone}'
            move.click_invoice_status = tx and statuses.get(tx.state, 'cancelled')

    # === BUSINESS METHODS - REFUNDS AND STATUS SYNC === #

    def action_click_refund(self):
        """Refund each credit note through the Click payment of the invoice it reverses.

        Alone, a credit note that cannot be refunded says why at once. Among several, it gets a note
        and a to-do saying why, and the others go on.
        """
        failures = {}
        for credit_note in self:
            try:
                with self.env.cr.savepoint():
                    credit_note._click_refund()
            except UserError as error:
                failures[credit_note] = error.args[0]
        if failures and len(self) == 1:
            raise UserError(failures[self])
        for credit_note, reason in failures.items():
            credit_note._click_note_failure(_("Click refund failed"), reason)
        refunded = self - self.browse([credit_note.id for credit_note in failures])
        return self._click_notification(
            _("Refunded through Click: %s.", ', '.join(refunded.mapped('name'))) if refunded else '',
            _("Not refunded, see their to-dos: %s.", ', '.join(c.name for c in failures)) if failures else '',
        )

    def _click_refund(self):
        """Reverse at Click what this credit note owes, and reconcile the refund with it."""
        self.ensure_one()
        if self.move_type != 'out_refund' or self.state != 'posted':
            raise UserError(_("%s is not a posted customer credit note.", self.display_name))
        if self.currency_id.name not in const.SUPPORTED_CURRENCIES:
            raise UserError(_("%s is not in so'm; Click refunds so'm only.", self.display_name))
        amount = to_decimal(self.amount_residual)
        if not amount:
            raise UserError(_("%s has nothing left to refund.", self.display_name))
        payments = self.reversed_entry_id.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state == 'done' and tx.operation != 'refund'
        )
        if not payments:
            raise UserError(_(
                "%(credit_note)s reverses %(invoice)s, which was not paid through Click. Refund the "
                "customer by bank transfer instead.",
                credit_note=self.display_name, invoice=self.reversed_entry_id.display_name or _("no invoice"),
            ))
        # The payment of exactly this amount, else the largest one.
        payment = payments.filtered(lambda tx: to_decimal(tx.amount) == amount)[:1] \
            or payments.sorted('amount', reverse=True)[:1]
        refund_tx = payment._send_refund_request(amount_to_refund=float(amount))
        refund_tx.invoice_ids = self
        return refund_tx

    def action_click_sync_status(self):
        """Ask Click about the unfinished Click payments of these invoices, and say what it said."""
        txs = self.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state in ('draft', 'pending') and tx.click_trans_id
        )
        if not txs:
            raise UserError(_("No Click payment of these invoices is waiting for Click."))
        return self._click_notification(*(tx._click_sync_status_message() for tx in txs))

    def _click_notification(self, *lines):
        return {
            'type': 'ir.actions.client', 'tag': 'display_notification',
            'params': {
                'message': '\n'.join(line for line in lines if line), 'sticky': True, 'type': 'info',
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    # === BUSINESS METHODS - MERCHANT API: INVOICES BY PHONE === #

    def _click_invoice_transaction(self):
        """The latest of this invoice's payments that went to the customer as a Click invoice."""
        self.ensure_one()
        return self.transaction_ids.filtered('click_invoice_id').sorted('id')[-1:]

    def action_click_send_invoice(self):
        """Open the wizard that bills these invoices to their customers' phones through Click."""
        return {
            'name': _("Send Click Invoices"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.invoice.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'active_model': 'account.move', 'active_ids': self.ids},
        }

    def action_click_invoice_status(self):
        """Ask Click where its invoice stands; once paid, apply the payment as a Complete would."""
        self.ensure_one()
        tx = self._click_invoice_transaction()
        if not tx:
            raise UserError(_("No Click invoice was sent for %s.", self.display_name))
        try:
            answer = tx.provider_id._click_get_merchant_client().invoice_status(tx.click_invoice_id)
        except MerchantApiError as error:
            raise UserError(_("Click could not be asked about its invoice %(invoice)s: %(error)s",
                              invoice=tx.click_invoice_id, error=error)) from error
        status = answer.get('invoice_status')
        lines = [_("Click invoice %(invoice)s: %(note)s (status %(status)s).", invoice=tx.click_invoice_id,
                   note=answer.get('invoice_status_note') or _("no note"), status=status)]
        if status is not None and status > 0 and tx.state in ('draft', 'pending'):  # > 0: paid (SPEC §7.5.2)
            lines.append(tx._click_sync_status_message())
        return self._click_notification(*lines)

    def _click_note_failure(self, summary, reason):
        """Leave ``reason`` as a note and a to-do for the current user on each of these documents."""
        for move in self:
            move.message_post(body=reason, subtype_xmlid='mail.mt_note')
            move.activity_schedule('mail.mail_activity_data_todo', summary=summary, note=reason,
                                   user_id=self.env.user.id)

    # === BUSINESS METHODS - FISCAL RECEIPTS === #

    def _click_fiscal_transaction(self):
        """The latest Click payment of this invoice that can carry a fiscal receipt."""
        self.ensure_one()
        return self.transaction_ids.filtered(
            lambda tx: tx.provider_code == 'click' and tx.state == 'done' and tx.operation != 'refund'
            and not tx.click_is_self_test and tx.provider_reference
        ).sorted('id')[-1:]

    def _click_queue_fiscal_receipt(self, tx):
        """Put the fiscal receipt of ``tx`` in the queue of these invoices, and wake the cron up.

        Invoices whose receipt is sent or issued already keep it: Click holds one receipt per payment.
        """
        moves = self.filtered(
            lambda move: move.move_type == 'out_invoice' and move.click_receipt_state not in ('sent', 'done')
        )
        if not moves:
            return moves
        moves.write({
            'click_receipt_state': 'to_send',
            'click_receipt_transaction_id': tx.id,
            'click_receipt_error': False,
            'click_receipt_attempts': 0,
            'click_receipt_next_try': False,
        })
        self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger()
        return moves

    @api.model
    def _cron_click_send_fiscal_receipts(self, limit=50):
        """Send the queued fiscal receipts to Click, and fetch the QR codes of those sent; one commit each."""
        moves = self.search([
            ('click_receipt_state', 'in', ('to_send', 'sent')),
            '|', ('click_receipt_next_try', '=', False), ('click_receipt_next_try', '<=', fields.Datetime.now()),
        ], order='click_receipt_next_try, id', limit=limit)
        for move in moves:
            try:
                move._click_process_fiscal_receipt()
            except Exception as error:
                if modules.module.current_test:
                    raise
                self.env.cr.rollback()
                _logger.exception("Fiscal receipt of %s left for a later run", move.name)
                move._click_receipt_retry(str(error))
            if not modules.module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # one invoice's receipt at a time
        if len(moves) == limit:
            self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger()

    def _click_process_fiscal_receipt(self):
        """Take the invoice's receipt one or two steps on: send it (``to_send`` → ``sent``), then fetch its
        QR code (``sent`` → ``done``). The state is committed between both: a restart fetches, never resends.
        """
        self.ensure_one()
        self.env.cr.execute(SQL(
            "SELECT id FROM account_move WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id,
        ))
        if not self.env.cr.fetchone():  # another worker has it
            return
        self.invalidate_recordset()
        if self.click_receipt_state == 'to_send':
            self._click_submit_fiscal_receipt()
            if self.click_receipt_state == 'sent' and not modules.module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # sent is kept: a restart never resends
        if self.click_receipt_state == 'sent':
            self._click_fetch_fiscal_receipt()

    def _click_submit_fiscal_receipt(self):
        """Send the receipt's items to Click (SPEC §9.1), unless Click holds a receipt for the payment already."""
        self.ensure_one()
        try:
            receipt = self._click_build_fiscal_receipt()
        except FiscalError as error:
            self._click_receipt_failed(_(
                "The fiscal receipt of %(invoice)s (Click payment %(payment)s) was not sent: %(error)s "
                "Fix it, then use Action > Send fiscal receipt to Click.",
                invoice=self.display_name, payment=self.click_receipt_payment_id, error=error,
            ))
            return
        client = self.click_receipt_transaction_id.provider_id._click_get_merchant_client()
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
            # The fiscal data tells, and nothing is sent again.
            _logger.info("Click refused the receipt of %s after an unanswered try: %s", self.name, error)
        except (MerchantApiError, ValueError) as error:
            self._click_receipt_problem(error)
            return
        self._click_receipt_sent()

    def _click_receipt_sent(self):
        self.write({
            'click_receipt_state': 'sent', 'click_receipt_attempts': 0, 'click_receipt_error': False,
            'click_receipt_next_try': False,
        })

    def _click_receipt_found(self, client):
        """Ask Click for the payment's receipt; store it and return True when Click has it."""
        try:
            answer = client.fiscal_data(self.click_receipt_payment_id)
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
        self.message_post(body=Markup('%s <a href="%s" target="_blank">%s</a>') % (
            _("Fiscal receipt issued for Click payment %s:", self.click_receipt_payment_id), qr_url, qr_url,
        ), subtype_xmlid='mail.mt_note')

    def _click_fetch_fiscal_receipt(self):
        """Read the receipt's QR address from Click (SPEC §9.3); while it has none, ask again later."""
        self.ensure_one()
        client = self.click_receipt_transaction_id.provider_id._click_get_merchant_client()
        try:
            if self._click_receipt_found(client):
                return
        except (MerchantApiError, ValueError) as error:
            return self._click_receipt_problem(error)
        if self.click_receipt_attempts + 1 >= const.FISCAL_MAX_ATTEMPTS:
            return self._click_receipt_failed(_(
                "Click accepted the fiscal receipt of %(invoice)s (Click payment %(payment)s) but still has no "
                "QR code for it after %(attempts)s tries. Check the receipt in Click's merchant cabinet, then "
                "attach its address with Action > Attach an existing receipt (QR URL).",
                invoice=self.display_name, payment=self.click_receipt_payment_id, attempts=const.FISCAL_MAX_ATTEMPTS,
            ))
        self._click_receipt_retry(_("Click has no QR code for the receipt yet."))

    def _click_receipt_problem(self, error):
        """Try again later when it may help, else stop and ask the accountant."""
        if self._click_is_transient(error):
            return self._click_receipt_retry(str(error))
        return self._click_receipt_failed(self._click_refusal_message(error))

    @api.model
    def _click_is_transient(self, error):
        """Whether trying again later may help: no answer, a server error or an answer Odoo could not read."""
        if isinstance(error, MerchantTransportError | MerchantResponseError):
            return True
        return isinstance(error, MerchantHttpError) and (error.status >= 500 or error.status == 429)

    def _click_refusal_message(self, error):
        note = getattr(error, 'error_note', None) or str(error)
        return _(
            "Click refused the fiscal receipt of %(invoice)s (Click payment %(payment)s): \"%(note)s\". Correct "
            "what Click names (the products' IKPU and package codes, the company's TIN, the provider's "
            "credentials), then use Action > Send fiscal receipt to Click; or, if your cash register issued the "
            "receipt, use Action > Attach an existing receipt (QR URL).",
            invoice=self.display_name, payment=self.click_receipt_payment_id, note=note,
        )

    def _click_receipt_retry(self, reason):
        """Try again later, 5 minutes × 2^attempts (at most 6 hours) from now; give up after too many tries."""
        attempts = self.click_receipt_attempts + 1
        if attempts >= const.FISCAL_MAX_ATTEMPTS:
            return self._click_receipt_failed(_(
                "The fiscal receipt of %(invoice)s (Click payment %(payment)s) could not reach Click after "
                "%(attempts)s tries: %(error)s Check the provider's credentials and Click's service, then use "
                "Action > Send fiscal receipt to Click.",
                invoice=self.display_name, payment=self.click_receipt_payment_id, attempts=attempts, error=reason,
            ))
        delay = min(const.FISCAL_RETRY_DELAY * 2 ** (attempts - 1), const.FISCAL_MAX_RETRY_DELAY)
        self.write({
            'click_receipt_attempts': attempts, 'click_receipt_error': reason,
            'click_receipt_next_try': fields.Datetime.now() + delay,
        })
        self.env.ref('payment_click.cron_click_send_fiscal_receipts')._trigger(self.click_receipt_next_try)
        _logger.info("Fiscal receipt of %s: try %s failed, next at %s: %s", self.name, attempts,
                     self.click_receipt_next_try, reason)
        return None

    def _click_receipt_failed(self, reason):
        """Stop: the receipt needs a person. A note, and a to-do for the accountant saying what to fix."""
        self.write({'click_receipt_state': 'failed', 'click_receipt_error': reason, 'click_receipt_next_try': False})
        tx = self.click_receipt_transaction_id
        responsible = tx._click_accountant() if tx else self.env.user
        summary = _("Click fiscal receipt failed")
        self.message_post(body=reason, subtype_xmlid='mail.mt_note')
        activities = self.env['mail.activity'].search([
            ('res_model', '=', self._name), ('res_id', '=', self.id), ('summary', '=', summary),
        ])
        if activities:
            activities.note = reason
        else:
            self.with_context(mail_notify_force_send=False).activity_schedule(
                'mail.mail_activity_data_todo', summary=summary, note=reason, user_id=responsible.id,
            )
        _logger.warning("Fiscal receipt of %s failed: %s", self.name, reason)

    def _click_build_fiscal_receipt(self):
        """The ``submit_items`` body of this invoice's receipt for its Click payment.

        :raise FiscalError: saying what to fix, when the invoice cannot make the receipt
        """
        self.ensure_one()
        tx = self.click_receipt_transaction_id
        if not tx:
            raise FiscalError(_("The invoice has no Click payment to issue a fiscal receipt for."))
        if tx.currency_id.name not in const.SUPPORTED_CURRENCIES or self.currency_id != tx.currency_id:
            raise FiscalError(_("Fiscal receipts are issued in so'm only, for an invoice in so'm."))
        vat = re.sub(r'\s', '', self.company_id.vat or '')
        vat = vat[2:] if vat.upper().startswith('UZ') else vat
        if not re.fullmatch(r'[0-9]{9}', vat):
            raise FiscalError(_(
                "Set the TIN of %(company)s (9 digits, in its Tax ID) before sending fiscal receipts; it is now "
                "\"%(vat)s\".", company=self.company_id.name, vat=self.company_id.vat or '',
            ))
        lines = self._click_fiscal_lines()
        missing = fiscal.check_lines(lines)
        if missing:
            raise FiscalError(_(
                "Set an IKPU (17 digits, from tasnif.soliq.uz) and a package code on these products: %s. "
                "Nothing was sent.", ', '.join(missing),
            ), labels=missing)
        return fiscal.build_receipt(
            tx.provider_id.click_service_id, self.click_receipt_payment_id, lines,
            Decimal(str(tx.amount)), {'TIN': vat},
        )

    def _click_fiscal_lines(self):
        """The invoice's lines as ``fiscal.ReceiptLine``: VAT-included amounts taken from ``price_total``.

        The unit price is the VAT-included line total before discount divided by the quantity, rounded up
        to the tiyin; the discount is what brings it back to ``price_total`` exactly. Negative lines (a
        down-payment deduction) go as one negative unit, which the builder spreads over the others.
        """
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        result = []
        for line in self.invoice_line_ids.filtered(lambda line: line.display_type == 'product'):
            product = line.product_id.with_context(lang=lang)
            label = product.display_name or (line.name or '').split('\n')[0] or _("Line %s", line.id)
            quantity = Decimal(str(line.quantity))
            total = Decimal(str(line.currency_id.round(line.price_total)))
            discount = Decimal(0)
            if total < 0:
                quantity, price_unit = Decimal(-1), -total
            elif not total or quantity <= 0:
                price_unit = Decimal(0)
            else:
                gross = total
                if 0 < line.discount < 100:
                    gross = total * 100 / (100 - Decimal(str(line.discount)))
                price_unit = (gross / quantity).quantize(Decimal('0.01'), rounding=ROUND_CEILING)
                discount = price_unit * quantity - total
            template = product.product_tmpl_id
            result.append(fiscal.ReceiptLine(
                label=label,
                name=product.name or (line.name or '').split('\n')[0],
                unit=line.product_uom_id.with_context(lang=lang).name or '',
                quantity=quantity,
                price_unit=price_unit,
                discount=discount,
                vat_percent=self._click_vat_percent(line, label),
                spic=template.click_spic or '',
                package_code=template.click_package_code or '',
                units_code=template.click_units_code or None,
                barcode=product.barcode or '',
            ))
        return result

    @api.model
    def _click_vat_percent(self, line, label):
        taxes = line.tax_ids.flatten_taxes_hierarchy()
        if not taxes:
            return 0
        if len(taxes) > 1 or taxes.amount_type != 'percent' or taxes.amount != int(taxes.amount) \
                or not 0 <= taxes.amount <= 100:
            raise FiscalError(_(
                "%(line)s has the taxes %(taxes)s; a fiscal receipt takes one VAT tax of a whole percent per "
                "line. Give the line a single percent VAT.", line=label, taxes=', '.join(taxes.mapped('name')),
            ), line=label)
        return int(taxes.amount)

    def action_click_send_fiscal_receipt(self):
        """Send the fiscal receipts of these invoices now; one already issued is never sent again."""
        issued = self.filtered(lambda move: move.click_receipt_state == 'done')
        if issued:
            raise UserError(_(
                "These invoices have their fiscal receipt already, and Click never issues two for one payment: "
                "%s.", ', '.join(issued.mapped('display_name')),
            ))
        for move in self:
            if move.click_receipt_state in ('to_send', 'sent'):
                continue
            tx = move.click_receipt_transaction_id or move._click_fiscal_transaction()
            if not tx:
                raise UserError(_("%s was not paid through Click: it needs no Click fiscal receipt.",
                                  move.display_name))
            move.write({'click_receipt_state': False})  # a failed receipt goes back to the queue
            move._click_queue_fiscal_receipt(tx)
        return self._click_run_fiscal_receipts()

    def action_click_refresh_fiscal_data(self):
        """Ask Click for the receipts' QR codes now (and send those still queued)."""
        for move in self:
            if not move.click_receipt_transaction_id:
                raise UserError(_("%s has no Click fiscal receipt to refresh.", move.display_name))
            if move.click_receipt_state in ('done', 'failed'):
                client = move.click_receipt_transaction_id.provider_id._click_get_merchant_client()
                try:
                    move._click_receipt_found(client)
                except (MerchantApiError, ValueError) as error:
                    raise UserError(_("Click could not be asked about the fiscal receipt of %(invoice)s: %(error)s",
                                      invoice=move.display_name, error=error)) from error
        return self._click_run_fiscal_receipts()

    def _click_run_fiscal_receipts(self):
        for move in self.filtered(lambda move: move.click_receipt_state in ('to_send', 'sent')):
            move.click_receipt_next_try = False
            move._click_process_fiscal_receipt()
        states = dict(self._fields['click_receipt_state']._description_selection(self.env))
        return self._click_notification(*(
            self.env._("%(invoice)s: %(state)s. %(error)s", invoice=move.display_name,
              state=states.get(move.click_receipt_state, ''), error=move.click_receipt_error or '').strip()
            for move in self
        ))

    def action_click_attach_fiscal_receipt(self):
        """Open the wizard that attaches a receipt the merchant's own cash register issued."""
        self.ensure_one()
        return {
            'name': _("Attach an Existing Receipt"),
            'type': 'ir.actions.act_window',
            'res_model': 'payment.click.fiscal.receipt.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_move_id': self.id},
        }

    def _click_attach_fiscal_receipt(self, qr_url):
        """Tell Click the address of the receipt the merchant issued (SPEC §9.2), and store it."""
        self.ensure_one()
        if self.click_receipt_state == 'done':
            raise UserError(_("%s has its fiscal receipt already.", self.display_name))
        qr_url = (qr_url or '').strip()
        if urlsplit(qr_url).scheme != 'https' or not urlsplit(qr_url).hostname:
            raise UserError(_("Give the receipt's https address, the one its QR code holds, e.g. "
                              "https://ofd.soliq.uz/epi?t=..."))
        tx = self.click_receipt_transaction_id or self._click_fiscal_transaction()
        if not tx:
            raise UserError(_("%s was not paid through Click: Click has no payment to attach a receipt to.",
                              self.display_name))
        try:
            tx.provider_id._click_get_merchant_client().submit_fiscal_qrcode(tx.provider_reference, qr_url)
        except (MerchantApiError, ValueError) as error:
            raise UserError(_("Click did not take the receipt of %(invoice)s: %(error)s", invoice=self.display_name,
                              error=getattr(error, 'error_note', None) or error)) from error
        self.click_receipt_transaction_id = tx
        self._click_receipt_done(qr_url)
