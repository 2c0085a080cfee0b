// The error summary of a form that was not saved (templates/partials/error_summary.html): focus moves to it
// when the page opens, so that a phone user sees it first, and its links focus the wrong field, which a
// plain link to an element's id only scrolls to.
(function () {
  "use strict";
  const summary = document.querySelector("[data-error-summary]");
  if (!summary || summary.dataset.ready) {
    return;
  }
  summary.dataset.ready = "yes";
  summary.focus();

  const FIELDS = "input:not([type=hidden]), select, textarea";

  summary.addEventListener("click", function (event) {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    // A link leads to a field, or to a whole question whose first answer takes the focus.
    const field = target.matches(FIELDS) ? target : target.querySelector(FIELDS);
    if (!field) {
      return;
    }
    event.preventDefault();
    // The whole question or the field's label comes into view with it, so the user reads what is asked.
    const caption = target === field ? document.querySelector(`label[for="${CSS.escape(field.id)}"]`) : target;
    (caption || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
