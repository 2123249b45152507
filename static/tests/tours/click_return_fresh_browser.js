/** @odoo-module **/

import { registry } from "@web/core/registry";

// Opened on the signed return_url of a payment Click has completed, in a browser with no session.
registry.category("web_tour.tours").add("payment_click_return_fresh_browser", {
    steps: () => [
        {
            content: "The status page follows the payment, then confirms it succeeded",
            trigger: 'div[name="o_payment_status_alert"]:contains("Thank you!")',
        },
        {
            content: "It is the payment Click was paid for",
            trigger: '.wrap:contains("S00042-1")',
        },
    ],
});

// A shop order's signed return link, opened by a browser that has never visited the shop.
registry.category("web_tour.tours").add("payment_click_return_shop_order_fresh_browser", {
    steps: () => [
        {
            content: "The page says the payment succeeded, in the status page's words",
            trigger: 'div[name="o_payment_status_alert"]:contains("Thank you!")',
        },
        {
            content: "It names the order, its total and its items",
            trigger: '.o_click_return_document:contains("Click Test Tea"):contains("15,000")',
        },
        {
            content: "Nothing on the page needs the order's portal token",
            trigger: 'body:not(:has(a[href*="access_token"]))',
        },
    ],
});

// Click's page opened in a browser with no cookies (the Click app's), and Pay pressed there.
registry.category("web_tour.tours").add("payment_click_pay_in_another_browser", {
    steps: () => [
        {
            content: "Press Pay on Click's page",
            trigger: ".o_click_card button.o_click_pay",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back in the shop, the page turns to paid once Click's Complete has come",
            trigger: '[name="o_click_return"] div[name="o_payment_status_alert"]:contains("Thank you!")',
        },
        {
            content: "It is the order that was paid",
            trigger: '.o_click_return_document:contains("Click Test Tea"):contains("15,000")',
        },
    ],
});
