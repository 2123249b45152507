/** @odoo-module **/

import { registry } from "@web/core/registry";
import { choosePaymentMethod } from "@payment_click/../tests/tours/checkout_steps";

/** A guest on a payment page (the test opens a payment link without signing in). */
registry.category("web_tour.tours").add("payment_click_card_guest", {
    steps: () => [
        choosePaymentMethod("click_card", "Choose to pay with an Uzcard or Humo card"),
        {
            content: "The card form is shown",
            trigger: 'input[name="o_click_card_number"]:visible',
        },
        {
            content: "A guest is told to sign in to save a card",
            trigger: '[name="o_click_sign_in_to_save"]:visible a[href^="/web/login?redirect="]',
        },
        {
            content: "and is not offered to save it",
            trigger: 'body:not(:has(input[name="o_payment_tokenize_checkbox"]))',
        },
    ],
});
