// A button that starts an action which cannot simply be taken back (a merge, a
// publication, a deletion) carries its question in data-confirm, and the label of
// the button that says yes in data-confirm-button. Without JavaScript the server
// asks on a page of its own (pressreview/confirm.py); with it, the native <dialog>
// of every page asks in place, and the form goes with confirm=yes.
(function () {
  "use strict";

  function hidden(form, name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
    return input;
  }

  function send(form, button) {
    // The form's values are read while it is submitted: the field is only there for that.
    const field = hidden(form, "confirm", "yes");
    try {
      form.requestSubmit(button);
    } finally {
      field.remove();
    }
  }

  // Capture phase: this runs before htmx's own listener on the form, which
  // must not send the request until the editor said yes.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    const dialog = document.getElementById("confirm-dialog");
    if (!(form instanceof HTMLFormElement) || !button || !button.dataset.confirm) return;
    if (form.querySelector('input[name="confirm"][value="yes"]')) return; // said yes already
    if (!dialog || typeof dialog.showModal !== "function") return; // the server asks instead
    event.preventDefault();
    event.stopPropagation();
    dialog.querySelector("[data-message]").textContent = button.dataset.confirm;
    const yes = dialog.querySelector("[data-yes]");
    yes.dataset.label = yes.dataset.label || yes.textContent;
    yes.textContent = button.dataset.confirmButton || yes.dataset.label;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "yes" && form.isConnected) send(form, button);
      else if (button.isConnected) button.focus();
    }, { once: true });
    dialog.showModal();
  }, true);
})();
