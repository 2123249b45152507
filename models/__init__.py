from . import account_move
from . import payment_click_emulator
from . import payment_click_self_test
from . import payment_provider
from . import payment_transaction
from . import product_template
from . import payment_click_settlement
from . import payment_provider_settlement
