/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The cashier charges a confirmed sale order from Invoicing > Customers > Charge with CLICK Pass:
 * the window offers sale orders, and shows what is left to pay on the one chosen.
 */
registry.category("web_tour.tours").add("payment_click_pass_counter", {
    url: "/odoo/action-payment_click.action_payment_click_pass_wizard",
    steps: () => [
        {
            content: "Choose to charge a sale order",
            trigger: ".modal .o_field_widget[name=res_model] select",
            run: "selectByLabel Sale Order",
        },
        {
            content: "Look the order up",
            trigger: ".modal .o_field_widget[name=res_id] input",
            run: "edit CLICK-PASS-SO",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains(CLICK-PASS-SO)",
            run: "click",
        },
        {
            content: "What is left to pay on it shows",
            trigger: ".modal .o_field_widget[name=amount_left]:contains(\"15,000\")",
        },
        {
            content: "Close the window without charging",
            trigger: ".modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "The window is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
