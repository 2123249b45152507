from . import payment_click_emulator
from . import payment_click_emulator_card
from . import payment_click_emulator_pass
from . import payment_click_emulator_service
from . import payment_click_emulator_telegram
