"""One name per thing: the provider's accepted card brands are no longer called like the card type
(private or corporate) Click reports on a CLICK Pass payment."""
from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
    if column_exists(cr, 'payment_provider', 'click_card_type') \
            and not column_exists(cr, 'payment_provider', 'click_accepted_cards'):
        rename_column(cr, 'payment_provider', 'click_card_type', 'click_accepted_cards')
