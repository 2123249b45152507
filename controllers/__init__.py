from . import emulator
from . import main
