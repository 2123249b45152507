"""Saved Click cards: a card typed at checkout, Click's SMS code, the payment, the saved card charged
again (checkout, Register Payment) and deleted, all through the real routes and the test-mode emulator.

A log capture over every test shows that the card number and expiry never reach the logs.
"""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.payment_click.emulator import cards as emulator_cards
from odoo.addons.payment_click.emulator.click import PAYER_PHONE
from odoo.addons.payment_click.emulator.controllers.main import ClickEmulatorController
from odoo.addons.payment_click.click_api.shop import ShopError
from odoo.addons.payment_click.controllers.card_token import ClickCardTokenController
from odoo.addons.payment_click.tests.common import (
    BLOCKED,
    CARD,
    INSUFFICIENT_FUNDS,
    PROCESSING,
    ClickCardCommon,
    ClickShopCommon,
    capture_card_logs,
)


@tagged('post_install', '-at_install')
class TestCardTokens(ClickCardCommon):

    # === Saving a card at checkout === #

    def test_a_card_saved_at_checkout_is_paid_with_and_saved(self):
        reference = self._checkout()['reference']
        tx = self._tx(reference)
        self.assertEqual((tx.state, tx.operation, tx.tokenize), ('draft', 'online_direct', True))

        answer = self._request_token(reference)
        self.assertEqual(answer, {'phone_number': emulator_cards.MASKED_PHONE}, "the shop hands out no code")
        app_page = self.url_open(f'{ClickEmulatorController._app_url}?phone={PAYER_PHONE}').text
        self.assertIn('8600 12** **** 9012', app_page, "the emulated Click app shows the SMS Click texted")
        self.assertIn(f'>{emulator_cards.SMS_CODE}<', app_page)
        emulated = self._emulated_tokens()
        self.assertEqual((emulated.masked_card, emulated.temporary, emulated.verified),
                         ('8600 12** **** 9012', False, False), "a reusable token, waiting for its code")

        self.assertIn("Wrong SMS code", self._verify(reference, '54321'))
        self.assertEqual(tx.state, 'draft')
        self.assertFalse(self.env['payment.token'].search([]), "no token without a verified card")

        self._verify(reference)
        token = tx.token_id
        self.assertEqual((token.provider_ref, token.payment_details, token.partner_id, token.payment_method_id),
                         (emulated.card_token, '8600 12** **** 9012', self.portal_partner, self.card_method))
        self.assertEqual(token.display_name, '8600 12** **** 9012', "the card as Click masks it")
        self.assertFalse(tx.sudo().click_card_token)
        self._assert_paid(tx)
        self.assertTrue(any("card_token/request" in record.getMessage() and "860012******9012" in record.getMessage()
                            for record in self.logged), "the client logs the request, masked")

    def test_a_card_not_to_save_pays_once_and_leaves_nothing_saved(self):
        reference = self._checkout(tokenize=False)['reference']
        self._request_token(reference)
        self.assertTrue(self._emulated_tokens().temporary, "a one-time token")
        self._verify(reference)
        tx = self._tx(reference)
        self._assert_paid(tx)
        self.assertFalse(tx.token_id)
        self.assertFalse(self.env['payment.token'].search([]))
        self.assertFalse(self._emulated_tokens(), "Click removes a one-time token after its payment")

    def test_insufficient_funds_leave_no_saved_card_and_nothing_paid(self):
        reference = self._checkout()['reference']
        self._request_token(reference, INSUFFICIENT_FUNDS)
        self.assertEqual(self._verify(reference), {'status_url': '/payment/status'})
        tx = self._tx(reference)
        self.assertEqual(tx.state, 'error')
        self.assertIn("Insufficient funds", tx.state_message)
        self.assertIn("No money was taken", tx.state_message)
        self._assert_nothing_paid(tx)
        self.assertFalse(self._emulated_tokens(), "the verified card's token is deleted at Click")
        self.assertFalse(self.env['payment.click.emulator.payment'].search([]))

    def test_a_blocked_card_is_refused_with_clicks_reason(self):
        reference = self._checkout()['reference']
        message = self._request_token(reference, BLOCKED)
        self.assertIn("Card is blocked", message)
        self.assertNotRegex(message, r'0000\s?2227', "the card number is never echoed")
        self._assert_nothing_paid(self._tx(reference))
        self.assertEqual(self._tx(reference).state, 'draft')
        self.assertFalse(self._emulated_tokens())

    def test_a_mistyped_card_is_refused_before_click_is_called(self):
        reference = self._checkout()['reference']
        message = self._request_token(reference, '8600 1234 5678 9013')
        self.assertIn("Check the card number", message)
        self.assertNotIn("9013", message)
        self.assertIn("Check the expiry date", self._request_token(reference, CARD, '1325'))
        self.assertIn("Check the expiry date", self._request_token(reference, CARD, '0120'))
        self.assertIn("digits only", self._verify(reference, '12a45'))
        self.assertIn("Check the card number", self._call(ClickCardTokenController._request_url, reference=reference))
        self.assertIn("digits only", self._call(ClickCardTokenController._verify_url, reference=reference))
        self.assertFalse(self._emulated_tokens())

    def test_an_expired_code_asks_for_a_new_one(self):
        reference = self._checkout()['reference']
        self._request_token(reference)
        self._emulated_tokens().requested_at -= emulator_cards.CODE_LIFETIME + timedelta(seconds=1)
        self.env.flush_all()
        self.assertIn("SMS code expired: request a new code", self._verify(reference))
        self._assert_nothing_paid(self._tx(reference))
        # The customer starts again with a new payment; the old one stays a draft.
        self._save_card()
        self.assertEqual(self._tx(reference).state, 'draft')

    def test_a_customer_gets_five_codes_an_hour_at_most(self):
        """Each card typed texts its owner: checkout cannot be used to send SMS after SMS."""
        reference = self._checkout()['reference']
        for _attempt in range(3):
            self.assertEqual(self._request_token(reference).get('phone_number'), '99890***4567')
        self.assertEqual(len(self._emulated_tokens()), 1, "each new card replaces the last one at Click")
        another = self._checkout()['reference']  # "Use another card" starts a new payment
        for _attempt in range(2):
            self.assertEqual(self._request_token(another).get('phone_number'), '99890***4567')
        self.assertIn("Click cannot send you more codes", self._request_token(self._checkout()['reference']))
        self.assertEqual(len(self._emulated_tokens()), 2)

    def test_only_the_browser_that_started_the_payment_may_send_a_card(self):
        reference = self._checkout()['reference']
        self.authenticate(None, None)  # another visitor, who guessed the reference
        self.assertIn("start it again", self._request_token(reference))
        self.assertFalse(self._emulated_tokens())

    def test_a_processing_payment_is_settled_by_the_status_sync(self):
        tx = self._save_card(PROCESSING)
        self.assertEqual(tx.state, 'pending')
        self.assertTrue(tx.token_id, "the verified card is saved")
        emulated = self.env['payment.click.emulator.payment'].search([('merchant_trans_id', '=', tx.reference)])
        self.assertEqual(emulated.payment_status, 1)
        emulated.payment_status = 2  # Click finishes the payment
        tx.click_charge_date -= timedelta(minutes=self.click.click_sync_delay + 1)
        self.env.flush_all()
        self.env['payment.transaction']._cron_click_sync_status()
        self._assert_paid(tx)

    # === Charging a saved card === #

    def test_a_saved_card_pays_a_second_invoice_at_checkout(self):
        token = self._save_card().token_id
        second = self._invoice(7000.0)
        reference = self._checkout(second, token=token)['reference']
        tx = self._tx(reference)
        self.assertEqual((tx.operation, tx.token_id), ('online_token', token))
        self._assert_paid(tx, second)

    def _register_payment(self, invoice, token):
        """Register Payment on ``invoice`` as an accountant, who picks the Click journal."""
        accountant = self.env['res.users'].search([('login', '=', 'click_accountant')]) or new_test_user(
            self.env, 'click_accountant', groups='account.group_account_invoice',
        )
        with Form(self.env['account.payment.register'].with_user(accountant).with_context(
            active_model='account.move', active_ids=invoice.ids,
        )) as form:
            form.journal_id = self.click.journal_id
            form.payment_method_line_id = self.click.journal_id.inbound_payment_method_line_ids.filtered(
                lambda line: line.payment_provider_id == self.click)
            self.assertEqual(form.payment_token_id, token, "the customer's saved Click card is proposed")
        payment = form.record._create_payments()
        self._wait_for_click()
        return payment

    def test_register_payment_charges_a_saved_card(self):
        token = self._save_card().token_id
        second = self._invoice(7000.0)
        payment = self._register_payment(second, token)
        tx = payment.payment_transaction_id
        self.assertEqual((tx.operation, tx.state, tx.token_id), ('offline', 'done', token))
        self.assertEqual(payment.state, 'paid')
        self.assertIn(second.payment_state, ('paid', 'in_payment'))
        self.assertTrue(tx.provider_reference, "Click's payment number is on the transaction")

    def test_a_card_charge_enters_through_the_door_and_keeps_clicks_ids_apart(self):
        token = self._save_card().token_id
        with self._door() as sources:
            tx = self._register_payment(self._invoice(7000.0), token).payment_transaction_id
        self.assertEqual(sources, ['card'])
        self.assertEqual(tx.state, 'done')
        self.assertTrue(tx.provider_reference)
        self.assertEqual((tx.click_trans_id, tx.click_prepare_date), (False, False), "no Prepare came")
        self.assertTrue(tx.click_charge_date)

    def test_register_payment_still_processing_is_booked_by_the_status_sync(self):
        first = self._save_card(PROCESSING)
        token = first.token_id
        second = self._invoice(7000.0)
        payment = self._register_payment(second, token)
        tx = payment.payment_transaction_id
        self.assertEqual((tx.state, payment.state), ('pending', 'canceled'))
        self.assertEqual(second.payment_state, 'not_paid')
        self.env['payment.click.emulator.payment'].search([]).payment_status = 2  # Click finishes both
        (first + tx).click_charge_date = fields.Datetime.now() - timedelta(minutes=self.click.click_sync_delay + 1)
        self.env.flush_all()
        self.env['payment.transaction']._cron_click_sync_status()
        self._assert_paid(first)
        self._assert_paid(tx, second)
        self.assertNotEqual(tx.payment_id, payment, "a new payment, posted and reconciled")

    def test_a_card_added_from_the_customers_account_is_saved_without_a_payment(self):
        self.authenticate('portal_user', 'portal_user')
        self.partner = self.portal_partner
        values = self._prepare_transaction_values(self.card_method.id, None, 'direct')
        reference = self._call('/payment/transaction', **dict(values, is_validation=True))['reference']
        tx = self._tx(reference)
        self.assertEqual((tx.operation, tx.amount), ('validation', 0.0))
        self._request_token(reference)
        self._verify(reference)
        self.assertEqual(tx.state, 'done')
        self.assertEqual(tx.token_id.payment_details, '8600 12** **** 9012')
        self.assertFalse(self.env['payment.click.emulator.payment'].search([]), "nothing was charged")

    def test_a_refused_charge_says_why_and_books_nothing(self):
        token = self._save_card().token_id
        self._emulated_tokens().unlink()  # Click no longer knows the card
        second = self._invoice(7000.0)
        tx = self._tx(self._checkout(second, token=token)['reference'])
        self.assertEqual(tx.state, 'error', "the status page shows Click's reason")
        self.assertIn("Click refused the card payment", tx.state_message)
        self.assertIn("Card token not found or expired", tx.state_message)
        self.assertFalse(tx.payment_id)
        self.assertEqual(second.payment_state, 'not_paid')
        self.assertTrue(second.message_ids.filtered(lambda m: tx.reference in (m.body or '')),
                        "the refusal is noted on the invoice")

    def _charge_again(self, token):
        """Charge ``token`` for the whole invoice once more, as code calling the token flow does."""
        again = self.env['payment.transaction'].create({
            'provider_id': self.click.id, 'payment_method_id': self.card_method.id, 'amount': 15000.0,
            'currency_id': self.currency.id, 'partner_id': self.portal_partner.id, 'operation': 'online_token',
            'token_id': token.id, 'invoice_ids': [fields.Command.set(self.invoice.ids)],
        })
        with self.assertRaisesRegex(UserError, "left to pay"):
            again._send_payment_request()
        self.assertEqual(self.env['payment.click.emulator.payment'].search_count([]), 1, "charged once")

    def test_a_saved_card_is_never_charged_more_than_is_left(self):
        tx = self._save_card()
        tx._post_process()
        self._charge_again(tx.token_id)

    def test_a_charge_click_has_not_finished_is_not_charged_again(self):
        """A replayed request or a second try while Click still processes the card finds nothing left."""
        first = self._save_card(PROCESSING)
        self.assertEqual(first.state, 'pending')
        self._charge_again(first.token_id)

    def test_clicks_page_cannot_take_a_balance_a_card_charge_is_still_taking(self):
        self._save_card(PROCESSING)
        page_tx = self._create_click_tx(reference='INV-PAGE', amount=15000.0, invoice_ids=self.invoice.ids)
        self.assertAnswer(self._click_client().prepare(page_tx.reference, page_tx.amount), ShopError.ALREADY_PAID)

    # === Deleting a saved card === #

    def test_deleting_a_saved_card_deletes_it_at_click(self):
        token = self._save_card().token_id
        self.authenticate('portal_user', 'portal_user')
        self.make_jsonrpc_request(self._build_url('/payment/archive_token'), {'token_id': token.id})
        self.assertFalse(token.active)
        self.assertFalse(self._emulated_tokens())

    def test_a_failed_deletion_at_click_is_reported_and_keeps_the_card(self):
        token = self._save_card().token_id
        self._set_emulator_fault('http_500')
        with self.assertRaisesRegex(UserError, "Click did not delete the saved card 8600 12\\*\\* \\*\\*\\*\\* 9012"):
            token.action_archive()
        self.assertTrue(token.active)
        self.assertTrue(self._emulated_tokens())

    def test_disabling_the_provider_archives_cards_even_when_click_fails(self):
        token = self._save_card().token_id
        self._set_emulator_fault('http_500')
        self.click.state = 'disabled'
        self.assertFalse(token.active)

    # === Permissions === #

    def test_customers_use_and_delete_only_their_own_cards(self):
        token = self._save_card().token_id
        other = self._create_new_portal_user(login='other_customer')
        other_invoice = self.init_invoice('out_invoice', partner=other.partner_id, amounts=[7000.0],
                                          currency=self.currency, post=True)
        self.authenticate('other_customer', 'other_customer')
        self.assertIn("You do not have access to this payment token", self._checkout(other_invoice, token=token))
        self.assertFalse(other_invoice.transaction_ids)
        self.make_jsonrpc_request(self._build_url('/payment/archive_token'), {'token_id': token.id})
        self.assertTrue(token.active, "another customer's card is not theirs to delete")
        self.assertFalse(self.env['payment.token'].with_user(other).search([]))
        self.assertEqual(self.env['payment.token'].with_user(self.portal_user).search([]), token)

    def test_saved_cards_stay_in_their_company(self):
        token = self._save_card().token_id
        other_company = self.env['res.company'].create({'name': "Other Co", 'currency_id': self.currency.id})
        accountant = new_test_user(self.env, 'other_accountant', groups='account.group_account_invoice',
                                   company_id=other_company.id, company_ids=[fields.Command.set(other_company.ids)])
        self.assertFalse(self.env['payment.token'].with_user(accountant).search([('id', '=', token.id)]))


@tagged('post_install', '-at_install', 'is_tour')
class TestClickCardCheckout(ClickShopCommon):
    """The shop's checkout, in a browser: a card saved with Click's SMS code, then paid with again."""

    def setUp(self):
        super().setUp()
        self.click.allow_tokenization = True
        self.logged = capture_card_logs(self)

    def test_a_card_saved_at_checkout_pays_the_next_order(self):
        self.start_tour('/shop?search=Click%20Test%20Tea', 'payment_click_card_checkout', login='admin')
        txs = self.env['payment.transaction'].search([('provider_id', '=', self.click.id)], order='id')
        self.assertEqual(txs.mapped('state'), ['done', 'done'])
        self.assertEqual(txs.mapped('operation'), ['online_direct', 'online_token'])
        token = txs[0].token_id
        admin = self.env.ref('base.user_admin')
        self.assertEqual((token.payment_details, token.partner_id), ('8600 12** **** 9012', admin.partner_id))
        self.assertEqual(txs[1].token_id, token)
        self.assertEqual(txs.sale_order_ids.mapped('state'), ['sale', 'sale'])
