// Turns on the NHS.UK frontend's JavaScript enhancements (no inline script needed).
import { initAll, InitError } from "/static/vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// What htmx swaps in later (a form sent back with its errors, a saved form) gets the same
// enhancements: password toggles, an error summary that takes the focus, and the rest. Parts
// already enhanced say so with an InitError, which is expected and ignored.
function reportUnexpected(error) {
  if (!(error instanceof InitError)) console.error(error);
}
document.body.addEventListener("htmx:load", (event) => {
  initAll({ scope: event.detail.elt, onError: reportUnexpected });
});
