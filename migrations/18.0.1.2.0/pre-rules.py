"""One name per thing, kept by an upgrade.

The provider's accepted card brands are no longer called like the card type (private or corporate)
Click reports on a CLICK Pass payment. The views take core's ``<model>_view_<type>`` ids: their
records are renamed, not replaced, so an update rewrites them in place and no stale view is left.
"""
from odoo.tools.sql import column_exists, rename_column

VIEW_IDS = [  # (old, new)
    ('view_move_form_fiscal_receipt', 'account_move_view_form_fiscal_receipt'),
    ('view_account_invoice_filter', 'account_move_view_search'),
    ('view_move_form', 'account_move_view_form'),
    ('payment_provider_form_click_pass', 'payment_provider_view_form_click_pass'),
    ('payment_transaction_form_click_pass', 'payment_transaction_view_form_click_pass'),
    ('view_unsettled_click_payments', 'account_move_line_view_list_click_unsettled'),
    ('payment_provider_form_settlement', 'payment_provider_view_form_settlement'),
    ('payment_provider_form', 'payment_provider_view_form'),
    ('payment_transaction_form_fiscal_receipt', 'payment_transaction_view_form_fiscal_receipt'),
    ('payment_transaction_search_fiscal_receipt', 'payment_transaction_view_search_fiscal_receipt'),
    ('payment_transaction_list_fiscal_receipt', 'payment_transaction_view_list_fiscal_receipt'),
    ('payment_transaction_form', 'payment_transaction_view_form'),
    ('payment_transaction_list', 'payment_transaction_view_list'),
    ('payment_transaction_search', 'payment_transaction_view_search'),
    ('product_template_form_view', 'product_template_view_form'),
    ('product_template_search_view', 'product_template_view_search'),
    ('view_move_form_click_pass', 'account_move_view_form_click_pass'),
]


def migrate(cr, version):
    if column_exists(cr, 'payment_provider', 'click_card_type') \
            and not column_exists(cr, 'payment_provider', 'click_accepted_cards'):
        rename_column(cr, 'payment_provider', 'click_card_type', 'click_accepted_cards')
    for old, new in VIEW_IDS:
        cr.execute("""
            UPDATE ir_model_data SET name = %s
             WHERE module = 'payment_click' AND name = %s
               AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = 'payment_click' AND name = %s)
        """, [new, old, new])
