-- blank the Click credentials
UPDATE payment_provider
   SET click_merchant_id = NULL,
       click_service_id = NULL,
       click_merchant_user_id = NULL,
       click_secret_key = NULL,
       click_telegram_bot_token = NULL,
       click_telegram_provider_token = NULL,
       click_telegram_webhook_secret = NULL;
