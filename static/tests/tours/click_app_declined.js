/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkOutTea, choosePaymentMethod } from "@payment_click/../tests/tours/checkout_steps";

const PHONE = "998931112233";

/** Decline the waiting invoice on the emulated Click app's page, as the payer would on the phone. */
async function declineInClickApp() {
    const appUrl = "/payment/click/emulator/app";
    const page = await (await fetch(`${appUrl}?phone=${PHONE}`)).text();
    const invoiceId = new DOMParser().parseFromString(page, "text/html")
        .querySelector('.o_click_invoice input[name="invoice_id"]').value;
    const form = new FormData();
    form.append("phone", PHONE);
    form.append("invoice_id", invoiceId);
    form.append("outcome", "decline");
    const answer = await (await fetch(appUrl, { method: "POST", body: form })).text();
    if (!answer.includes("You declined invoice")) {
        throw new Error(`The Click app did not decline the invoice: ${answer}`);
    }
}

registry.category("web_tour.tours").add("payment_click_app_declined", {
    url: "/shop?search=Click%20Test%20Tea",
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_app", "Choose to pay in the Click app"),
        {
            content: "Type a number Click's invoices cannot go to",
            trigger: 'input[name="o_click_phone"]',
            run: "edit +7 912 345 67 89",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
        },
        {
            content: "The number is refused, before any payment is made",
            trigger: '.modal-body:contains("Uzbek mobile numbers")',
        },
        {
            content: "Close the message",
            trigger: ".modal-footer button",
            run: "click",
        },
        {
            content: "Type the number of the Click account",
            trigger: 'input[name="o_click_phone"]',
            run: "edit 93 111 22 33",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:enabled',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The status page asks to confirm the payment in the Click app; the payer declines it there",
            trigger: `.o_click_confirm_in_app:contains("in the Click app on +${PHONE}")`,
            run: declineInClickApp,
            expectUnloadPage: true,  // the status page asks Click, and leaves once the payment is cancelled
        },
        {
            content: "The page says the payment was cancelled, and offers the same cart again",
            trigger: '[name="o_click_return"] [name="o_payment_status_alert"]:contains("no money was taken") a.o_click_pay_again:contains("Back to your cart")',
        },
    ],
});
