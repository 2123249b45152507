/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkOutTea, choosePaymentMethod } from "@payment_click/../tests/tours/checkout_steps";

registry.category("web_tour.tours").add("payment_click_app_checkout", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_app", "Choose to pay in the Click app"),
        {
            content: "Type the mobile number of the Click account",
            trigger: 'input[name="o_click_phone"]',
            run: "edit 90 123 45 67",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The status page asks to confirm the payment in the Click app",
            trigger: '.o_click_confirm_in_app:contains("in the Click app on +998901234567")',
        },
    ],
});
