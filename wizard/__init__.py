from . import payment_click_invoice_wizard
