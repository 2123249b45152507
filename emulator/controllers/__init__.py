from . import cards
from . import main
from . import merchant
from . import telegram
