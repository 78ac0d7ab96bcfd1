// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Let HTMX swap the pages' clear error responses (form errors 400, a locked thread 409,
  // rate limits 429) into place instead of ignoring them.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|409|429)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  });

  // Bars whose width is data (a rank's progress, a dashboard share): set through the CSSOM,
  // since the Content-Security-Policy forbids style="" attributes. On page load and on every
  // fragment HTMX swaps in.
  function applyWidths(root) {
    if (!root || !root.querySelectorAll) return;
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) bars.push(root);
    bars.forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-width")) || 0));
      bar.style.width = percent + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:load", function (event) { applyWidths(event.target); });

  // Buttons with data-empty="<selector>" empty that element (closing the notifications dropdown).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-empty]");
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-empty"));
    if (target) target.replaceChildren();
  });

  // Close an open account menu when the user clicks elsewhere or presses Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  // Forms with data-confirm ask before they submit (deleting, for instance).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // Buttons with data-insert-text put that text into the textarea data-insert-into names, at
  // the cursor (replacing a selection), instead of submitting their form (canned replies on
  // a case: without JavaScript the form asks the server for the filled-in reply instead).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-text]");
    if (!button) return;
    var textarea = document.querySelector(button.getAttribute("data-insert-into"));
    if (!textarea) return;
    event.preventDefault();
    var text = button.getAttribute("data-insert-text");
    // A textarea keeps its cursor while the button has the focus.
    var start = textarea.selectionStart || 0, end = textarea.selectionEnd || start;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // Image upload into a Markdown textarea: upload, then insert ![name](url) at the cursor.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-upload-to]") || !input.files.length) return;
    var textarea = document.getElementById(input.getAttribute("data-insert-into"));
    // Errors show next to the field (role="alert" reads them out), never in a blocking dialog.
    var error = document.getElementById(input.getAttribute("data-error-into"));
    function showError(text) {
      if (!error) return;
      error.textContent = text || error.getAttribute("data-failed");
      error.hidden = false;
    }
    if (error) { error.hidden = true; error.textContent = ""; }
    var body = new FormData();
    body.append("image", input.files[0]);
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(input.getAttribute("data-upload-to"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token.value } : {},
    })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        if (!result[0]) { showError(result[1].detail); return; }
        var at = textarea.selectionStart || textarea.value.length;
        textarea.value = textarea.value.slice(0, at) + "\n" + result[1].markdown + "\n" + textarea.value.slice(at);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      })
      .catch(function () { showError(null); })
      .finally(function () { input.value = ""; });
  });
})();
