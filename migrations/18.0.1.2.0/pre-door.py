"""A payment's card category (private or corporate, from CLICK Pass) gets its own name on the transaction:
``click_card_type`` names the card brands a provider accepts. The transaction form's CLICK Pass part is
renamed along, before the form it extends is checked against the new field."""
from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
    if column_exists(cr, 'payment_transaction', 'click_card_type') \
            and not column_exists(cr, 'payment_transaction', 'click_card_category'):
        rename_column(cr, 'payment_transaction', 'click_card_type', 'click_card_category')
    cr.execute("""
        UPDATE ir_ui_view SET arch_db = replace(arch_db::text, 'click_card_type', 'click_card_category')::jsonb
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'payment_click' AND name = 'payment_transaction_form_click_pass')
    """)
