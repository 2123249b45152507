{
    'name': "Payment Provider: Click",
    'version': '18.0.1.3.0',
    'category': 'Accounting/Payment Providers',
    'sequence': 350,
    'summary': "Accept Click (click.uz) payments in Uzbek so'm on the website, portal and invoices.",
    'description': "Click (click.uz) payment provider: Uzcard and Humo cards in so'm, on Click's page or in "
                   "its window on the shop's page, Click's Prepare and Complete answered by Odoo, refunds, "
                   "invoices to the Click app, saved cards, CLICK Pass at the counter, fiscal receipts, "
                   "payouts settled with Click's commission, and an emulator of Click for test mode.",
    'author': "payment_click maintainers",
    'website': "https://payment-click.example/odoo",
    'support': "support@payment-click.example",
    'images': ['static/description/banner.png'],
    'depends': ['payment', 'account_payment', 'phone_validation'],
    'external_dependencies': {'python': ['requests', 'phonenumbers']},
    'data': [
        'security/ir.model.access.csv',
        'security/payment_click_settlement_security.xml',
        'emulator/security/ir.model.access.csv',

        'report/payment_click_self_test_reports.xml',  # Before the self-test's form, which prints it
        'report/payment_click_self_test_templates.xml',

        'views/account_move_views.xml',
        'views/account_move_telegram_views.xml',
        'views/account_move_fiscal_views.xml',
        'views/account_move_fiscal_templates.xml',
        'views/account_move_refund_templates.xml',
        'views/product_views.xml',
        'views/payment_click_templates.xml',
        'views/payment_click_card_templates.xml',
        'views/payment_click_inline_templates.xml',
        'views/payment_click_telegram_templates.xml',
        'views/payment_provider_views.xml',
        'views/payment_transaction_views.xml',
        'views/payment_transaction_fiscal_views.xml',
        'views/payment_click_self_test_views.xml',
        'views/payment_click_settlement_views.xml',
        'views/payment_provider_settlement_views.xml',
        'views/click_pass_views.xml',
        'emulator/views/emulator_templates.xml',
        'emulator/views/emulator_telegram_templates.xml',
        'emulator/views/payment_click_emulator_service_views.xml',

        'wizard/payment_click_fiscal_receipt_wizard_views.xml',
        'wizard/payment_click_invoice_wizard_views.xml',
        'wizard/payment_click_pass_wizard_views.xml',
        'wizard/payment_click_refund_wizard_views.xml',
        'wizard/payment_click_telegram_link_wizard_views.xml',

        'data/ir_cron_data.xml',
        'data/mail_template_telegram.xml',
        'data/payment_method_data.xml',
        'data/payment_provider_data.xml',  # Depends on views/payment_click_templates.xml
    ],
    'assets': {
        'web.assets_frontend': [
            # The methods of each Click payment method, then the one patch of the payment form
            # that routes core's hooks to them (imports decide the load order, not this list).
            'payment_click/static/src/js/click_window.js',
            'payment_click/static/src/js/click_app.js',
            'payment_click/static/src/js/click_card.js',
            'payment_click/static/src/js/click_telegram.js',
            'payment_click/static/src/js/payment_form.js',
            # The status page's polling, a patch of its own widget.
            'payment_click/static/src/js/post_processing.js',
        ],
        'web.assets_tests': [
            'payment_click/static/tests/tours/**/*',
        ],
    },
    'post_init_hook': 'post_init_hook',
    'uninstall_hook': 'uninstall_hook',
    'license': 'LGPL-3',
}
