from . import card_token
from . import main
from . import post_processing
from . import self_test
from . import telegram
