// VectorOS progressive enhancement. Every flow works without this file:
// it only adds drag-and-drop on the board (submitting the card's own move
// form), the browser's time zone on onboarding, copy buttons and
// confirmations before revoking.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Board: drop a card on a column to submit its move form.
  var dragged = null;
  document.querySelectorAll("[data-deal-card]").forEach(function (card) {
    card.addEventListener("dragstart", function (e) {
      dragged = card;
      card.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
    });
  });
  document.querySelectorAll("[data-stage-drop]").forEach(function (col) {
    col.addEventListener("dragover", function (e) {
      if (dragged) { e.preventDefault(); col.classList.add("drop-target"); }
    });
    col.addEventListener("dragleave", function () { col.classList.remove("drop-target"); });
    col.addEventListener("drop", function (e) {
      e.preventDefault();
      col.classList.remove("drop-target");
      if (!dragged) { return; }
      var form = dragged.querySelector("form.move");
      var select = form && form.querySelector("select[name=stage]");
      var stage = col.getAttribute("data-stage-drop");
      if (!select || select.value === stage) { return; }
      select.value = stage;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });

  // A form shown with errors: focus its first invalid field.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }

  // Onboarding: suggest the browser's time zone while the field still
  // holds the default.
  var tz = document.querySelector("form[action='/onboarding'] input[name=time_zone]");
  if (tz && tz.value === "UTC" && window.Intl) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { tz.value = zone; }
    } catch (err) { /* keep UTC */ }
  }

  // Copy buttons for secrets shown once.
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var el = document.getElementById(btn.getAttribute("data-copy"));
      if (!el || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(el.textContent.trim()).then(function () {
        btn.textContent = "Copied";
      });
    });
  });

  // Confirm before irreversible posts.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
