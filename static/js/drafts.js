// Drafts (docs/api.md, "Drafts"): a form with data-draft-key (the ask form, an answer form)
// is saved as the member types, a moment after they stop, and restored when they come back
// to an empty form. Posting deletes the draft on the server, in the posting transaction.
// Without JavaScript nothing of this shows and the forms work as ever.
(function () {
  "use strict";

  var DELAY_MS = 800;

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function field(form, name) { return form.querySelector("[name=" + name + "]"); }

  function call(form, method, key, payload) {
    var url = form.getAttribute("data-draft-url") + (key ? encodeURIComponent(key) + "/" : "");
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(form),
      },
      body: payload ? JSON.stringify(payload) : undefined,
    });
  }

  function say(form, which) {
    var box = form.querySelector("[data-draft-status]");
    if (!box) return;
    if (!which) { box.hidden = true; return; }
    box.querySelector("[data-draft-message]").textContent = box.getAttribute("data-" + which);
    box.setAttribute("data-draft-state", which);
    box.hidden = false;
  }

  function save(form) {
    form._draftTimer = null;
    if (form._draftPosted) return;
    var key = form.getAttribute("data-draft-key");
    var title = field(form, "title");
    var body = field(form, "body");
    var payload = { key: key, body: body ? body.value : "" };
    if (title) payload.title = title.value;
    if (!payload.body.trim() && !(payload.title || "").trim()) {
      discard(form, false);
      return;
    }
    call(form, "PUT", null, payload).then(function (response) {
      if (!form._draftPosted) say(form, response.ok ? "saved" : "failed");
    }).catch(function () { say(form, "failed"); });
  }

  function discard(form, clear) {
    if (form._draftTimer) window.clearTimeout(form._draftTimer);
    form._draftTimer = null;
    call(form, "DELETE", form.getAttribute("data-draft-key")).catch(function () {});
    say(form, null);
    if (!clear) return;
    ["title", "body"].forEach(function (name) {
      var input = field(form, name);
      if (!input) return;
      input.value = "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function restore(form) {
    if (form._draftReady) return;
    form._draftReady = true;
    var title = field(form, "title");
    var body = field(form, "body");
    // A form shown again with what was just typed (an error) keeps that text.
    if ((body && body.value.trim()) || (title && title.value.trim())) return;
    call(form, "GET", form.getAttribute("data-draft-key")).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (draft) {
      if (!draft || form._draftTouched) return;
      if (title && draft.title) title.value = draft.title;
      if (body && draft.body) {
        body.value = draft.body;
        // The preview follows the text (HTMX listens for input); the save it starts is harmless.
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
      say(form, "restored");
    }).catch(function () {});
  }

  function restoreAll(root) {
    var forms = Array.prototype.slice.call(root.querySelectorAll("form[data-draft-key]"));
    if (root.matches && root.matches("form[data-draft-key]")) forms.push(root);
    forms.forEach(restore);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft-key]");
    if (!form || !event.target.name || form._draftPosted) return;
    if (event.isTrusted) form._draftTouched = true;
    if (form._draftTimer) window.clearTimeout(form._draftTimer);
    form._draftTimer = window.setTimeout(function () { save(form); }, DELAY_MS);
  });

  // Posting: no save may land after it (the server deletes the draft with the post).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-draft-key]")) return;
    if (form._draftTimer) window.clearTimeout(form._draftTimer);
    form._draftTimer = null;
    form._draftPosted = true;
  });

  // "This solved it" (data-draft-done): the server discards the draft with the deflection;
  // a save still waiting must not bring it back. Typing again saves afresh.
  document.addEventListener("click", function (event) {
    var done = event.target.closest && event.target.closest("[data-draft-done]");
    var form = done && done.closest("form[data-draft-key]");
    if (!form || !form._draftTimer) return;
    window.clearTimeout(form._draftTimer);
    form._draftTimer = null;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-draft-discard]");
    if (!button) return;
    var form = button.closest("form[data-draft-key]");
    if (form) discard(form, true);
  });

  document.addEventListener("DOMContentLoaded", function () { restoreAll(document); });
  document.addEventListener("htmx:load", function (event) { restoreAll(event.target); });
})();
