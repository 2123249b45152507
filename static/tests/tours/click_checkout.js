/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkOutTea, choosePaymentMethod, orderPaid } from "@payment_click/../tests/tours/checkout_steps";

/** From the shop to the payment step, then choose Click. */
function checkOutWithClick() {
    return [...checkOutTea(), choosePaymentMethod("click", "Choose Click")];
}

/** Leave for the emulated Click page and press ``button`` there. */
function payOnClicksPage(button) {
    return [
        ...checkOutWithClick(),
        {
            content: "Pay: the shop leaves for Click's page",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: `Press ${button} on Click's page`,
            trigger: `.o_click_card button.o_click_${button}`,
            run: "click",
            expectUnloadPage: true,
        },
    ];
}

registry.category("web_tour.tours").add("payment_click_redirect_pay", {
    steps: () => [
        ...payOnClicksPage("pay"),
        orderPaid("Back in the shop, the order is confirmed once Click's Complete has come"),
    ],
});

// Click declines the payment: nothing was taken, and the way back is the same cart, shown to the customer.
registry.category("web_tour.tours").add("payment_click_redirect_decline", {
    steps: () => [
        ...payOnClicksPage("decline"),
        {
            content: "The page says nothing was taken, and offers the cart back",
            trigger: '[name="o_click_return"] [name="o_payment_status_alert"]:contains("no money was taken") a.o_click_pay_again:contains("Back to your cart")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The cart holds the same order: one tea",
            trigger: '#cart_products:contains("Click Test Tea") input.js_quantity[value="1"]',
        },
        {
            content: "The header counts that one item",
            trigger: "sup.my_cart_quantity:contains(/^1$/)",
        },
    ],
});

registry.category("web_tour.tours").add("payment_click_inline_pay", {
    steps: () => [
        ...checkOutWithClick(),
        {
            content: "Pay: Click's window opens on the shop's page",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        {
            content: "The window shows the amount of the order",
            trigger: ':iframe .o_click_amount:contains("15,000")',
        },
        {
            content: "The shop's page is still there, behind the window",
            trigger: 'body:has(#o_payment_form) > .o_click_checkout_window',
        },
        {
            content: "Press Pay in Click's window",
            trigger: ":iframe .o_click_card button.o_click_pay",
            run: "click",
            expectUnloadPage: true,
        },
        orderPaid("The window closes and the order is confirmed once Click's Complete has come"),
    ],
});

// Closing Click's window with × before paying leads back to the payment step.
registry.category("web_tour.tours").add("payment_click_inline_close", {
    steps: () => [
        ...checkOutWithClick(),
        {
            content: "Pay: Click's window opens on the shop's page",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        {
            content: "The window shows the order's amount",
            trigger: ':iframe .o_click_amount:contains("15,000")',
        },
        {
            content: "Close the window with ×",
            trigger: ".o_click_checkout_close",
            run: "click",
        },
        {
            content: "The shop says that no payment was made",
            trigger: '.modal:contains("No payment was made"):contains("nothing was charged")',
        },
        {
            content: "Close the message",
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "The payment step is back, with Pay ready for a new try",
            trigger: 'body:not(:has(.o_click_checkout_window)) button[name="o_payment_submit_button"]:enabled',
        },
        {
            content: "The order is still in the cart",
            trigger: "sup.my_cart_quantity:contains(/^1$/)",
        },
    ],
});
