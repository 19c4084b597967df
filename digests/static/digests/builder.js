// Digest builder: moving items from the keyboard (Alt+ArrowUp / Alt+ArrowDown
// while an item has focus), dragging them (HTML5 drag and drop, where the
// browser has it), keeping focus on the moved item after the server's answer,
// and at most two quotes ticked per item. Every action also works as a plain
// form post: the move buttons are the fallback.
(function () {
  "use strict";

  let lastMove = null; // {item, direction} of the last move, to put focus back after the swap

  function itemOf(node) { return node && node.closest ? node.closest("li.digest-item") : null; }

  function moveButton(item, direction) {
    return item.querySelector('button[data-move="' + direction + '"]');
  }

  // Keyboard: Alt+Arrow on an item (or one of its buttons) clicks its move button.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const target = event.target;
    if (target.closest("input, select, textarea, [contenteditable]")) return;
    const item = itemOf(target);
    if (!item) return;
    const button = moveButton(item, event.key === "ArrowUp" ? "up" : "down");
    event.preventDefault();
    if (!button || button.disabled) return;
    lastMove = { item: item.id, direction: null };
    button.click();
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-move]");
    if (!button) return;
    const item = itemOf(button);
    if (item && !lastMove) lastMove = { item: item.id, direction: button.dataset.move };
  }, true);

  // The server names the element to focus once the new sections are in place.
  document.body.addEventListener("digests:focus", function (event) {
    const id = event.detail && event.detail.id;
    const element = id && document.getElementById(id);
    if (!element) { lastMove = null; return; }
    let focus = element;
    if (lastMove && lastMove.item === id && lastMove.direction) {
      const button = moveButton(element, lastMove.direction);
      if (button && !button.disabled) focus = button;
    }
    lastMove = null;
    focus.focus();
    if (focus.scrollIntoView) focus.scrollIntoView({ block: "nearest" });
  });

  // At most N quotes per item: the others are disabled while N are ticked (the server checks too).
  function limitQuotes(fieldset) {
    const boxes = Array.from(fieldset.querySelectorAll('input[type="checkbox"][name="quotes"]'));
    if (!boxes.length) return;
    const max = parseInt(boxes[0].dataset.max || "2", 10);
    const ticked = boxes.filter(function (box) { return box.checked; }).length;
    boxes.forEach(function (box) { box.disabled = !box.checked && ticked >= max; });
  }

  document.addEventListener("change", function (event) {
    const fieldset = event.target.closest("fieldset.quote-choices");
    if (fieldset) limitQuotes(fieldset);
  });

  // Drag and drop: a handle on each item; dropping posts the target section's new order.
  let dragged = null;
  let dropped = false;

  function enhance() {
    document.querySelectorAll("fieldset.quote-choices").forEach(limitQuotes);
    if (!("draggable" in document.createElement("span"))) return;
    document.querySelectorAll("li.digest-item").forEach(function (item) {
      if (item.querySelector(".drag-handle") || !moveButton(item, "up")) return;
      const handle = document.createElement("span");
      handle.className = "drag-handle";
      handle.draggable = true;
      handle.setAttribute("aria-hidden", "true");
      const titled = item.closest("[data-drag-title]");
      handle.title = titled ? titled.dataset.dragTitle : "";
      handle.textContent = "⠿";
      item.insertBefore(handle, item.firstChild);
    });
  }

  function placeholderTarget(list, y) {
    const items = Array.from(list.querySelectorAll(":scope > li.digest-item")).filter(function (li) { return li !== dragged; });
    return items.find(function (li) {
      const box = li.getBoundingClientRect();
      return y < box.top + box.height / 2;
    }) || null;
  }

  document.addEventListener("dragstart", function (event) {
    const handle = event.target.closest ? event.target.closest(".drag-handle") : null;
    if (!handle) return;
    dragged = itemOf(handle);
    dropped = false;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.item);
    if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(dragged, 20, 20);
    dragged.classList.add("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const list = event.target.closest ? event.target.closest("ol.digest-items") : null;
    if (!list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const before = placeholderTarget(list, event.clientY);
    const empty = list.querySelector(":scope > li.empty");
    if (empty) empty.remove();
    if (before) list.insertBefore(dragged, before); else list.appendChild(dragged);
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    const list = event.target.closest ? event.target.closest("ol.digest-items") : null;
    if (!list) return;
    event.preventDefault();
    dropped = true;
    const sections = document.getElementById("sections");
    const ids = Array.from(list.querySelectorAll(":scope > li.digest-item")).map(function (li) { return li.dataset.item; });
    const moved = dragged.dataset.item;
    lastMove = { item: dragged.id, direction: null };
    htmx.ajax("POST", sections.dataset.orderUrl, {
      source: list, target: "#sections", swap: "outerHTML",
      values: { section: list.dataset.section, items: ids.join(","), moved: moved },
    });
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("is-dragging");
    dragged = null;
    // Dropped outside a section: the order shown moved while dragging, so ask the server for the real one.
    if (!dropped) htmx.ajax("GET", window.location.pathname, { target: "#sections", swap: "outerHTML" });
  });

  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", enhance);
})();
