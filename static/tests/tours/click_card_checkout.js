/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    checkOutTea, choosePaymentMethod, codeTexted, confirmCode, orderPaid, typeCard,
} from "@payment_click/../tests/tours/checkout_steps";

registry.category("web_tour.tours").add("payment_click_card_checkout", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_card", "Choose to pay with an Uzcard or Humo card"),
        ...typeCard(),
        {
            content: "Save the card for next time",
            trigger: 'input[name="o_payment_tokenize_checkbox"]:visible',
            run: "check",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        codeTexted("12345"),
        {
            content: "The phone the code went to is shown",
            trigger: '.o_click_card_phone:contains("99890***4567")',
        },
        ...confirmCode("12345", "Type the code", true),
        orderPaid(),
        {
            content: "Shop again",
            trigger: "body",
            run: "goToUrl /shop?search=Click%20Test%20Tea",
            expectUnloadPage: true,
        },
        ...checkOutTea(),
        {
            content: "Choose the saved card",
            trigger: 'input[name="o_payment_radio"][data-payment-option-type="token"]',
            run: "click",
        },
        {
            content: "The saved card shows as Click masks it",
            trigger: 'p:contains("8600 12** **** 9012")',
        },
        {
            content: "Pay with it",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        orderPaid(),
    ],
});
