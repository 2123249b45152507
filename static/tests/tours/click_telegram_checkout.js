/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkOutTea, choosePaymentMethod, orderPaid } from "@payment_click/../tests/tours/checkout_steps";

/**
 * The customer pays the cart in Telegram: Pay now opens the link in a new tab (the Telegram app on a
 * phone) and the status page waits; once paid in Telegram, the page turns by itself.
 */
registry.category("web_tour.tours").add("payment_click_telegram_checkout", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_telegram", "Choose to pay in Telegram"),
        {
            content: "The new tab stands for Telegram: the tour keeps to this one, and notes the link it opens",
            trigger: 'input[data-payment-method-code="click_telegram"]:checked',
            run() {
                window.open = (url) => {
                    sessionStorage.setItem("click_telegram_opened", url);
                    return { opener: window };
                };
            },
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The status page asks to pay in Telegram, and offers the link opened",
            trigger: ".o_click_telegram_waiting",
            run() {
                const link = document.querySelector(".o_click_telegram_open").href;
                if (sessionStorage.getItem("click_telegram_opened") !== link) {
                    throw new Error(`Telegram was not opened on ${link}`);
                }
            },
        },
        {
            content: "The customer presses Pay on Telegram's payment sheet",
            trigger: ".o_click_telegram_open",
            async run() {
                const sheet = document.querySelector(".o_click_telegram_open").href;
                await fetch(sheet, { method: "POST", body: new URLSearchParams({ language: "en" }) });
            },
            expectUnloadPage: true,
        },
        orderPaid("The status page turned by itself: the order is paid"),
    ],
});
