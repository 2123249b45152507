from odoo.tests import tagged

from odoo.addons.payment_click.tests.common import ClickShopCommon
from odoo.addons.payment_click.tests.common_telegram import (
    MUTE_TELEGRAM,
    TelegramCommon,
    connect_telegram,
    enable_telegram,
)


@tagged('post_install', '-at_install')
class TestTelegramTour(TelegramCommon):

    def test_a_link_sent_from_the_back_office_is_paid_in_telegram(self):
        """The accountant sends the link from the invoice, the customer pays it in Telegram, and the invoice
        shows it paid, with the fiscal receipt's to-do of a payment made in Telegram."""
        company = self.invoice.company_id
        self.env.ref('base.user_admin').write({'company_ids': [(4, company.id)], 'company_id': company.id})
        url = f'/odoo/action-account.action_move_out_invoice_type/{self.invoice.id}'
        with MUTE_TELEGRAM:
            self.start_tour(url, 'payment_click_telegram_link', login='admin')
            self._wait_for_click()
        tx = self.invoice.transaction_ids
        self.assertEqual(tx.state, 'done')
        note = self.invoice.message_ids.filtered(lambda m: tx.click_telegram_link in (m.body or ''))
        self.assertEqual(note.author_id, self.env.ref('base.user_admin').partner_id, "signed by the accountant")
        with MUTE_TELEGRAM:
            tx._post_process()  # as the post-processing cron does
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        self.assertTrue(self.invoice.activity_ids.filtered(lambda a: a.summary == "Click fiscal receipt failed"))
        self.start_tour(url, 'payment_click_telegram_paid', login='admin')


@tagged('post_install', '-at_install')
class TestTelegramCheckoutTour(ClickShopCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.telegram_method = enable_telegram(cls.click)

    def setUp(self):
        super().setUp()
        connect_telegram(self.click)

    def test_pay_in_telegram_at_checkout(self):
        """Pay now opens the Telegram link, the status page waits, and turns by itself once paid in Telegram."""
        with MUTE_TELEGRAM:
            self.start_tour('/shop?search=Click%20Test%20Tea', 'payment_click_telegram_checkout', login='admin')
            self._wait_for_click()
        tx = self.env['payment.transaction'].search([('payment_method_id', '=', self.telegram_method.id)])
        self.assertEqual((len(tx), tx.state), (1, 'done'))
        self.assertEqual(tx.sale_order_ids.state, 'sale')
