// Turns on the NHS.UK frontend's JavaScript enhancements (no inline script needed).
import { initAll } from "/static/vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
