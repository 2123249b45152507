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
