/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkOutTea, choosePaymentMethod, orderPaid } from "@payment_click/../tests/tours/checkout_steps";

/**
 * The Russian site (/ru/), paid in each of Click's ways: this module's texts, on the pages and in
 * the error dialogs, are Russian. Odoo's own texts are left untranslated by the test.
 */

const payNow = (content = "Pay") => ({
    content,
    trigger: 'button[name="o_payment_submit_button"]:enabled',
    run: "click",
});

/** The error dialog says ``text``; close it. */
function errorDialogSays(text, content) {
    return [
        { content, trigger: `.modal-body:contains("${text}")` },
        { content: "Close the dialog", trigger: ".modal-footer button", run: "click" },
    ];
}

registry.category("web_tour.tours").add("payment_click_ru_redirect", {
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click", "Choose Click"),
        { ...payNow("Pay: the shop leaves for Click's page"), expectUnloadPage: true },
        { content: "Click's page speaks Russian", trigger: '.o_click_row:contains("Продавец:")' },
        {
            content: "Press Pay (Оплатить) on Click's page",
            trigger: '.o_click_card button.o_click_pay:contains("Оплатить")',
            run: "click",
            expectUnloadPage: true,
        },
        orderPaid(),
    ],
});

registry.category("web_tour.tours").add("payment_click_ru_inline", {
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click", "Choose Click"),
        payNow("Pay: Click's window opens on the shop's page"),
        {
            content: "Press Pay (Оплатить) in Click's window",
            trigger: ':iframe .o_click_card button.o_click_pay:contains("Оплатить")',
            run: "click",
            expectUnloadPage: true,
        },
        orderPaid(),
    ],
});

registry.category("web_tour.tours").add("payment_click_ru_app", {
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_app", "Choose to pay in the Click app"),
        {
            content: "The form says what happens, in Russian",
            trigger: '.form-text:contains("Click отправит запрос на оплату на этот номер")',
        },
        { content: "Type a number of another country", trigger: 'input[name="o_click_phone"]', run: "edit +7 912 345 67 89" },
        payNow(),
        ...errorDialogSays("Счета Click отправляются только на узбекские мобильные номера",
                           "The refusal of the number is in Russian"),
        { content: "Type the Click account's number", trigger: 'input[name="o_click_phone"]', run: "edit 90 123 45 67" },
        { ...payNow(), expectUnloadPage: true },
        {
            content: "The status page asks, in Russian, to confirm in the Click app",
            trigger: '.o_click_confirm_in_app:contains("Подтвердите оплату")',
        },
        {
            content: "Open the Click app of the phone",
            trigger: "body",
            run: "goToUrl /ru/payment/click/emulator/app?phone=998901234567",
            expectUnloadPage: true,
        },
        {
            content: "Press Pay (Оплатить) on the invoice",
            trigger: '.o_click_invoice button.o_click_pay:contains("Оплатить")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back to the shop's status page",
            trigger: ".o_click_notice",
            run: "goToUrl /ru/payment/status",
            expectUnloadPage: true,
        },
        orderPaid(),
    ],
});

registry.category("web_tour.tours").add("payment_click_ru_card", {
    steps: () => [
        ...checkOutTea(),
        choosePaymentMethod("click_card", "Choose to pay with an Uzcard or Humo card"),
        { content: "The card form speaks Russian", trigger: 'label:contains("Номер карты")' },
        { content: "Type the card number", trigger: 'input[name="o_click_card_number"]', run: "edit 8600 1234 5678 9012" },
        { content: "Type the expiry date", trigger: 'input[name="o_click_card_expiry"]', run: "edit 1139" },
        { content: "Save the card", trigger: 'input[name="o_payment_tokenize_checkbox"]:visible', run: "check" },
        payNow(),
        { content: "Type a wrong code", trigger: 'input[name="o_click_card_sms"]', run: "edit 99999" },
        { content: "Confirm", trigger: 'button[name="o_click_card_confirm"]', run: "click" },
        ...errorDialogSays("Click не принял код", "The refusal of the code is in Russian"),
        { content: "Type the code Click texted", trigger: 'input[name="o_click_card_sms"]', run: "edit 12345" },
        { content: "Confirm", trigger: 'button[name="o_click_card_confirm"]', run: "click", expectUnloadPage: true },
        orderPaid(),
        {
            content: "Shop again",
            trigger: "body",
            run: "goToUrl /ru/shop?search=Click%20Test%20Tea",
            expectUnloadPage: true,
        },
        ...checkOutTea(),
        {
            content: "The payment methods are named in Russian",
            trigger: '#o_payment_form:contains("Карта Uzcard / Humo")',
        },
        {
            content: "Choose the saved card",
            trigger: 'input[name="o_payment_radio"][data-payment-option-type="token"]',
            run: "click",
        },
        { ...payNow("Pay with the saved card"), expectUnloadPage: true },
        orderPaid(),
    ],
});
