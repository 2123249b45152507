from . import card_token
from . import emulator
from . import emulator_cards
from . import emulator_merchant
from . import main
from . import post_processing
from . import self_test
