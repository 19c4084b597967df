// The queue's select-all box. Without JavaScript the server reads it as "every
// row this page showed"; with it, the box ticks the rows and the row boxes alone
// carry the selection, so a row that arrives by polling is never acted on unseen.
(function () {
  "use strict";

  function rowBoxes(form) {
    return Array.from(form.querySelectorAll('input[type="checkbox"][name="articles"]'));
  }

  function sync(form) {
    const all = form.querySelector("[data-select-all]");
    if (!all) return;
    const boxes = rowBoxes(form);
    const checked = boxes.filter((box) => box.checked).length;
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
  }

  function enhance() {
    const form = document.getElementById("queue-bulk");
    if (!form) return;
    const all = form.querySelector("[data-select-all]");
    if (all) all.removeAttribute("name");
    sync(form);
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    const form = target.form;
    if (!form || form.id !== "queue-bulk") return;
    if (target.matches("[data-select-all]")) {
      rowBoxes(form).forEach((box) => { box.checked = target.checked; });
    } else if (target.name === "articles") {
      sync(form);
    }
  });
  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", enhance);
})();
