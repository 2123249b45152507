/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    checkOutTea, choosePaymentMethod, codeTexted, confirmCode, orderPaid, typeCard,
} from "@payment_click/../tests/tours/checkout_steps";

/**
 * Type ``code``, confirm it, and close the dialog saying why Click refused it.
 *
 * (Click's count of wrong codes lives in the emulator's database, which the test rolls back with each
 * refused request: the three wrong codes that make Click ask for a new one are played in Python.)
 */
function refusedCode(code, reason) {
    return [
        ...confirmCode(code, `Type the code ${code}`),
        {
            content: `Click refuses it: ${reason}`,
            trigger: `.modal-body:contains("${reason}")`,
        },
        {
            content: "Close the dialog",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.o_dialog))",
        },
    ];
}

registry.category("web_tour.tours").add("payment_click_card_new_code", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_card", "Choose to pay with an Uzcard or Humo card"),
        {
            content: "Pay before typing the card",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        {
            content: "The form asks for the card; no payment is started",
            trigger: '.modal-body:contains("Enter the number of your Uzcard or Humo card")',
        },
        {
            content: "Close the dialog",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.o_dialog))",
        },
        ...typeCard(),
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        codeTexted("12345"),
        ...refusedCode("11111", "Wrong SMS code"),
        {
            content: "Ask for a new code",
            trigger: 'button[name="o_click_card_resend"]',
            run: "click",
        },
        {
            content: "Click sent a new code",
            trigger: '.o_click_card_resent:not(.d-none):contains("Click sent a new code")',
        },
        ...confirmCode("12345", "Type the new code", true),
        orderPaid(),
    ],
});
