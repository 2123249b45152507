/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("payment_click_app_checkout", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        {
            content: "Open the product",
            trigger: '.oe_product_cart a:contains("Click Test Tea")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Add it to the cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        {
            content: "Go to the cart",
            trigger: "a sup.my_cart_quantity:contains(/^1$/)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Check out: a service needs no delivery, so this leads to the payment",
            trigger: 'a[href^="/shop/checkout"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose to pay in the Click app",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="click_app"]',
            run: "click",
        },
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
