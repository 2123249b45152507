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

registry.category("web_tour.tours").add("payment_click_redirect_decline", {
    steps: () => [
        ...payOnClicksPage("decline"),
        {
            content: "Back in the shop, the order's payment is cancelled: nothing was charged",
            trigger: '.oe_website_sale_tx_status .bg-danger:contains("no money was taken from your card")',
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
