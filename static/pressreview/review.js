// Review page: keyboard shortcuts, adding a mention from a text selection,
// evidence highlighting. Everything here has a plain-HTML fallback.
(function () {
  "use strict";

  const KINDS = ["person", "organisation", "place", "event", "other"];

  function body() { return document.getElementById("article-body"); }
  function mentions() { return Array.from(document.querySelectorAll("#article-body a.mention")); }
  function current() { return document.querySelector("#article-body a.mention.is-current"); }
  function version() {
    const input = document.getElementById("article-version");
    return input ? input.value : "";
  }

  // The panel opened by a choice of the editor (not by a decision's refresh) takes the
  // focus; Escape, or its Close link, gives it back to the mention in the text.
  let opening = false;

  function markCurrent(id) {
    mentions().forEach((m) => m.classList.toggle("is-current", m.id === "m-" + id));
  }

  function panelOpened() {
    const panel = document.getElementById("mention-panel");
    if (!panel || !panel.dataset.mention) return;
    markCurrent(panel.dataset.mention);
    const link = current();
    // On a narrow screen the panel is a sheet over the lower part: bring the mention above it.
    if (link) link.scrollIntoView({ block: "nearest" });
    const title = panel.querySelector("[data-panel-title]");
    if (title) title.focus({ preventScroll: true });
  }

  function closePanel() {
    const panel = document.getElementById("mention-panel");
    if (panel) panel.classList.remove("is-open");
    const link = current();
    if (link) link.focus();
  }

  function select(link) {
    mentions().forEach((m) => m.classList.toggle("is-current", m === link));
    link.focus();
    opening = true;
    // outerHTML: a late response for a mention chosen earlier targets the panel that the
    // later one replaced, no longer in the page, and changes nothing.
    htmx.ajax("GET", link.getAttribute("href").split("#")[0], { source: link, target: "#mention-panel", swap: "outerHTML" });
  }

  // j / k go over the mentions still to decide, unless the editor ticks the box that
  // includes decided ones: a decided mention is changed on purpose, not by a stray key.
  let includeDecided = false;
  function isPending(link) { return link.classList.contains("decision-pending"); }

  function notice(key) {
    const box = document.getElementById("review-notice");
    if (box) box.textContent = key ? box.dataset[key] || "" : "";
  }

  function move(step) {
    const all = mentions();
    if (!all.length) return;
    const start = all.indexOf(current() || document.activeElement);
    const n = all.length;
    for (let i = 1; i <= n; i++) {
      const index = start === -1 ? (step > 0 ? i - 1 : n - i) : (((start + step * i) % n) + n) % n;
      if (includeDecided || isPending(all[index])) { notice(""); select(all[index]); return; }
    }
    notice("nonePending");
  }

  function mentionUrl(link, action) {
    return body().dataset.mentionUrl + link.id.slice(2) + "/" + action;  // id="m-<mention id>"
  }

  function post(link, url, values) {
    values.version = version();
    htmx.ajax("POST", url, { source: link, target: "#workspace", swap: "outerHTML", values: values });
  }

  // Code-point offset of a DOM position inside the article body (Python counts code points).
  function offsetOf(container, node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return Array.from(range.toString()).length;
  }

  function rangeFor(container, start, end) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0, startSet = false, node;
    while ((node = walker.nextNode())) {
      const chars = Array.from(node.data);
      const units = (n) => chars.slice(0, n).join("").length;
      if (!startSet && seen + chars.length >= start) { range.setStart(node, units(start - seen)); startSet = true; }
      if (startSet && seen + chars.length >= end) { range.setEnd(node, units(end - seen)); return range; }
      seen += chars.length;
    }
    return null;
  }

  function onSelection() {
    const form = document.getElementById("add-mention");
    const container = body();
    const selection = window.getSelection();
    if (!form || !container || !selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    form.elements.start.value = offsetOf(container, range.startContainer, range.startOffset);
    form.elements.end.value = offsetOf(container, range.endContainer, range.endOffset);
    form.elements.text.value = "";
    form.elements.text.placeholder = selection.toString().trim();
    form.classList.add("has-selection");
    form.elements.kind.focus();
  }

  function toggleHelp(show) {
    const dialog = document.getElementById("help");
    if (!dialog) return;
    dialog.hidden = show === undefined ? !dialog.hidden : !show;
    if (!dialog.hidden) dialog.querySelector("button").focus();
  }

  // Every quote underlined in the text (CSS Custom Highlight API; the list beside it is the fallback).
  function highlightQuotes() {
    const container = body();
    if (!("highlights" in CSS)) return;
    if (!container) { CSS.highlights.delete("quote"); return; }
    const list = document.getElementById("quote-ranges");
    const ranges = ((list && list.dataset.quotes) || "").split(",").filter(Boolean).map((pair) => {
      const [start, end] = pair.split("-").map(Number);
      return rangeFor(container, start, end);
    }).filter(Boolean);
    CSS.highlights.set("quote", new Highlight(...ranges));
  }

  // "Use the selected text" for a quote's span: the offsets the selection gave the add-mention form.
  function useSelection(button) {
    const source = document.getElementById("add-mention");
    const form = button.closest("form");
    if (!source || !form || source.elements.start.value === "") return;
    form.elements.start.value = source.elements.start.value;
    form.elements.end.value = source.elements.end.value;
  }

  // A quote's speaker and span forms come from the server when its "Edit" is followed (the page
  // has none: they would grow with quotes × the article's actors); the focus goes to the speaker.
  function openQuoteEditor(link) {
    const item = link.closest("li.quote");
    htmx.ajax("GET", link.getAttribute("href").split("#")[0], { source: link, target: "#" + item.id, swap: "outerHTML" })
      .then(() => {
        const field = document.querySelector("#" + item.id + " input[name=speaker_name]");
        if (field) field.focus();
      });
  }

  function closeQuoteEditor(item) {
    if (!item) return;
    const editor = item.querySelector(".quote-editor");
    if (editor) editor.remove();
    const edit = item.querySelector("a.quote-edit");
    if (edit) { edit.hidden = false; edit.focus(); }
  }

  function highlightEvidence(item, on) {
    if (!("highlights" in CSS) || !body()) return;
    if (!on) { CSS.highlights.delete("evidence"); return; }
    const ranges = (item.dataset.evidence || "").split(",").filter(Boolean).map((pair) => {
      const [start, end] = pair.split("-").map(Number);
      return rangeFor(body(), start, end);
    }).filter(Boolean);
    CSS.highlights.set("evidence", new Highlight(...ranges));
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" && target.closest && target.closest("#mention-panel")) {
      event.preventDefault();
      closePanel();
      return;
    }
    if (target.closest("input, select, textarea, [contenteditable]")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.key === "Escape") { toggleHelp(false); return; }
    if (event.key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (!document.getElementById("workspace")) return;
    const link = current();
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if ((event.key === "a" || event.key === "x") && link) {
      event.preventDefault();
      if (!isPending(link)) { notice("decided"); return; }
      notice("");
      post(link, mentionUrl(link, "decide"), { decision: event.key === "a" ? "accepted" : "rejected" });
    } else if (/^[1-5]$/.test(event.key) && link) {
      event.preventDefault();
      // A new kind accepts the mention: not a way to bring back a rejected one.
      if (link.classList.contains("decision-rejected")) { notice("decided"); return; }
      notice("");
      post(link, mentionUrl(link, "kind"), { kind: KINDS[Number(event.key) - 1] });
    } else if (event.key === "u") {
      const undo = document.querySelector("[data-shortcut='u']");
      if (undo) { notice(""); undo.click(); event.preventDefault(); }
    } else if (event.key === "l") {
      // The panel's first suggested actor (one of the article's, alike first): linked in one key.
      const suggested = document.querySelector("#mention-panel [data-shortcut='l']");
      if (suggested) { notice(""); suggested.click(); event.preventDefault(); }
    } else if (event.key === "n") {
      const next = document.querySelector("[data-shortcut='n']");
      if (next) { next.click(); event.preventDefault(); }
    }
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("#article-body a.mention");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      // One delegated handler rather than htmx attributes on every mention.
      event.preventDefault();
      select(link);
    }
    const listed = event.target.closest("#actor-groups a[href^='?mention=']");
    if (listed && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      // A mention listed under its actor: its panel, in place (the link reloads the page without JavaScript).
      event.preventDefault();
      htmx.ajax("GET", listed.getAttribute("href").split("#")[0], { source: listed, target: "#mention-panel", swap: "outerHTML" });
    }
    const decide = event.target.closest("button[form='quote-actions']");
    if (decide) {
      // A quote's Accept or Reject: the page's one form for them, to this quote's address (the
      // browser posts it so without JavaScript); the answer swaps in what the decision changed.
      event.preventDefault();
      htmx.ajax("POST", decide.getAttribute("formaction"), { source: decide, target: "#workspace", swap: "outerHTML" });
    }
    const edit = event.target.closest("a.quote-edit");
    if (edit && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      openQuoteEditor(edit);
    }
    const close = event.target.closest("a.quote-close");
    if (close) {
      event.preventDefault();
      closeQuoteEditor(close.closest("li.quote"));
    }
    const use = event.target.closest("[data-use-selection]");
    if (use) useSelection(use);
    if (event.target.closest("[data-panel-close]")) { event.preventDefault(); closePanel(); }
    if (event.target.closest("#actor-groups a[hx-get]")) opening = true;
    if (event.target.closest("[data-help]")) toggleHelp(true);
    if (event.target.closest("[data-help-close]")) toggleHelp(false);
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-include-decided]")) includeDecided = event.target.checked;
  });

  document.addEventListener("mouseup", (event) => {
    if (event.target.closest("#article-body")) window.setTimeout(onSelection, 0);
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey && event.target.closest && event.target.closest("#article-body")) onSelection();
  });

  document.addEventListener("mouseover", (event) => {
    const item = event.target.closest("li[data-evidence]");
    if (item) highlightEvidence(item, true);
  });
  document.addEventListener("mouseout", (event) => {
    const item = event.target.closest("li[data-evidence]");
    if (item) highlightEvidence(item, false);
  });
  document.addEventListener("focusin", (event) => {
    const item = event.target.closest("li[data-evidence]");
    highlightEvidence(item || document.body, Boolean(item));
  });

  // Focus across a swap of the workspace: every control is new, so the browser would
  // drop the focus to the top of the page. Before the request, note which control had it
  // (by what it does, not by node); after the swap, focus that control again, or for a
  // decision on a topic or quote the next one's decision button, or else the control
  // that followed it.
  const FOCUSABLE = "a[href], button, select, textarea, input:not([type=hidden]), summary";
  let focusPlan = null;

  function keyOf(el) {
    if (el.id) return "id:" + el.id;
    const form = el.form || el.closest("form");
    return [el.tagName, form ? form.getAttribute("action") : "", el.name || "", el.value || "",
      el.getAttribute("formaction") || "", el.getAttribute("href") || ""].join("|");
  }

  function controls(root) {
    return Array.from(root.querySelectorAll(FOCUSABLE)).filter((el) => !el.disabled && !el.closest("[hidden]"));
  }

  function planFocus(active) {
    const workspace = document.getElementById("workspace");
    if (!active || !workspace || !workspace.contains(active)) return null;
    const all = controls(workspace);
    if (!all.includes(active)) return null; // e.g. the panel's title: the mention gets it back
    const plan = { keys: [], nextItem: null };
    const item = active.closest("li.topic, li.quote");
    if (item && active.name === "decision") {
      let next = item.nextElementSibling;
      while (next && !next.matches("li.topic, li.quote")) next = next.nextElementSibling;
      if (next) plan.nextItem = next.id ? "id:" + next.id : keyOf(controls(next)[0] || next);
    }
    plan.keys = all.slice(Math.max(all.indexOf(active), 0)).map(keyOf);
    return plan;
  }

  function restoreFocus(plan) {
    const workspace = document.getElementById("workspace");
    if (!plan || !workspace) return false;
    const byKey = new Map();
    controls(workspace).forEach((el) => { if (!byKey.has(keyOf(el))) byKey.set(keyOf(el), el); });
    let target = null;
    if (plan.nextItem) {
      const item = plan.nextItem.startsWith("id:") ? document.getElementById(plan.nextItem.slice(3)) : null;
      const inside = item ? controls(item) : [];
      target = inside.find((el) => el.name === "decision") || inside[0] || byKey.get(plan.nextItem) || null;
    }
    if (!target) target = plan.keys.map((key) => byKey.get(key)).find(Boolean) || null;
    if (!target) return false;
    target.focus({ preventScroll: false });
    return true;
  }

  // A decision answers with the pieces it changed, not the whole workspace: the forms
  // it left in place (and the "Edit details" form above it) still hold the version the
  // page had when they were drawn, so a request sends the one the last answer brought
  // (the no-JavaScript post sends the form's).
  document.addEventListener("htmx:configRequest", (event) => {
    const source = event.detail.elt;
    const latest = version();
    if (latest && source && source.closest && source.closest("#workspace, #article-head")
        && event.detail.parameters.version !== undefined) {
      event.detail.parameters.version = latest;
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const target = event.detail.target;
    if (target && target.id === "workspace") focusPlan = planFocus(document.activeElement);
  });

  // After the workspace is swapped, keep the editor's place in the text.
  document.addEventListener("DOMContentLoaded", highlightQuotes);
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "mention-panel" && opening) {
      opening = false;
      panelOpened();
      return;
    }
    highlightQuotes();
    const toggle = document.querySelector("[data-include-decided]");
    if (toggle) toggle.checked = includeDecided;
    if (event.detail.target && event.detail.target.id === "workspace" && focusPlan) {
      const plan = focusPlan;
      focusPlan = null;
      if (restoreFocus(plan)) return;
    }
    const link = current();
    if (link && document.activeElement === document.body) link.focus({ preventScroll: true });
  });
})();
