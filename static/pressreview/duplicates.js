// Merging a suggested pair moves every mention of one actor to the other, so it
// is asked twice. Without JavaScript the server shows a confirmation step; with
// it, a <dialog> asks, and the form goes with confirm=yes (the server then merges).
(function () {
  "use strict";

  function hidden(form, name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  // Capture phase: this runs before htmx's own listener on the form, which
  // must not send the request until the editor said yes.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    const dialog = document.getElementById("merge-dialog");
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-merge-form")) return;
    if (!button || !button.dataset.confirm || form.querySelector('input[name="confirm"]')) return;
    if (!dialog || typeof dialog.showModal !== "function") return; // the server asks instead
    event.preventDefault();
    event.stopPropagation();
    dialog.querySelector("[data-message]").textContent = button.dataset.confirm;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "merge" || !form.isConnected) return;
      hidden(form, "action", button.value);
      hidden(form, "confirm", "yes");
      form.requestSubmit();
    }, { once: true });
    dialog.showModal();
  }, true);
})();
