"""The provider's messages of earlier versions, where the merchant left them as shipped.

The one help message under all three Click methods gives way to each method's own; the message after
a declined payment no longer sends every customer to an account that a guest does not have.
"""
OLD_PRE_MSG = '<p>Pay with your Uzcard or Humo card through Click.</p>'
OLD_CANCEL_MSG = ('<p>The Click payment was cancelled and no money was taken from your card. You can pay '
                  'again from your order or invoice in your account, with Pay Now.</p>')
NEW_CANCEL_MSG = '<p>The Click payment was cancelled and no money was taken from your card.</p>'


def migrate(cr, version):
    cr.execute("UPDATE payment_provider SET pre_msg = NULL WHERE code = 'click' AND pre_msg->>'en_US' = %s",
               [OLD_PRE_MSG])
    cr.execute("""
        UPDATE payment_provider SET cancel_msg = jsonb_build_object('en_US', %s::text)
         WHERE code = 'click' AND cancel_msg->>'en_US' = %s
    """, [NEW_CANCEL_MSG, OLD_CANCEL_MSG])
