from . import card_token
from . import emulator
from . import emulator_cards
from . import emulator_merchant
from . import main
from . import payment_status
from . import self_test
