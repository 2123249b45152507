from . import test_click_api
from . import test_concurrency
from . import test_merchant_client
from . import test_money_safety
from . import test_payment_provider
from . import test_payment_transaction
from . import test_processing_flows
from . import test_shop_callbacks
