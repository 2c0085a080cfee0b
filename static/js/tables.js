// Tables on small screens and at high zoom.
// - A `.table-cards` table becomes stacked cards on a phone (app.css): each cell gets its column's name.
// - A table that still scrolls sideways is reachable by keyboard: its box takes focus.
(function () {
  function labelCells(table) {
    const names = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      const shown = th.cloneNode(true);
      shown.querySelectorAll(".visually-hidden, [aria-hidden]").forEach(function (hidden) { hidden.remove(); });
      const name = shown.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < (th.colSpan || 1); i++) names.push(name);
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      let column = 0;
      Array.from(row.children).forEach(function (cell) {
        if (names[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[column]);
        column += cell.colSpan || 1;
      });
    });
  }

  function focusableWhenScrolling(box) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Таблица, прокручивается по горизонтали");
    } else if (!scrolls && box.getAttribute("role") === "region") {
      ["tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
    }
  }

  function prepare(root) {
    root.querySelectorAll("table.table-cards").forEach(labelCells);
    root.querySelectorAll(".table-responsive").forEach(focusableWhenScrolling);
  }

  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("htmx:afterSettle", function (event) { prepare(event.target); });
  window.addEventListener("resize", function () { prepare(document); });
})();
