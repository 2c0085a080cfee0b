// A search field that finds as one types (htmx) may sit inside a form that does something else: the survey's
// «вручную» chooser, the person to add to a base. Enter there searches at once and never sends that form.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.target.matches("input[data-finds]")) return;
  event.preventDefault();
  htmx.trigger(event.target, "search");
});
