/** @odoo-module **/

import { registry } from "@web/core/registry";

const LINK = ".o_field_widget[name=click_telegram_link]";

/**
 * The accountant sends a Telegram payment link for a posted invoice from its Action menu, and the
 * customer pays it on the emulated Telegram payment sheet the link opens.
 */
registry.category("web_tour.tours").add("payment_click_telegram_link", {
    steps: () => [
        {
            content: "Open the invoice's Action menu",
            trigger: ".o_form_view .o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "Send the Telegram payment link",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Send Telegram payment link)",
            run: "click",
        },
        {
            content: "The link shows on the invoice, with its copy button; the customer opens it",
            trigger: `${LINK}:contains(/payment/click/emulator/telegram/pay/):has(.o_clipboard_button)`,
            run() {
                window.location.href = document.querySelector(LINK).textContent.trim();
            },
        },
        {
            content: "Pay on Telegram's payment sheet",
            trigger: ".o_tg_sheet .o_tg_pay",
            run: "click",
        },
        {
            content: "Telegram reports the payment made",
            trigger: ".o_tg_paid",
            timeout: 30000,
        },
    ],
});

/**
 * Once booked, the invoice shows it is paid, and the fiscal receipt the rule for Telegram asks for.
 */
registry.category("web_tour.tours").add("payment_click_telegram_paid", {
    steps: () => [
        {
            content: "The invoice is paid",
            trigger: ".o_form_view .ribbon:contains(Paid)",
        },
        {
            content: "Its fiscal receipt waits for the cash register",
            trigger: ".o_field_widget[name=click_receipt_error]:contains(cash register)",
        },
    ],
});
