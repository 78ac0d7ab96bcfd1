// Live updates over WebSockets (docs/api.md, "Live (WebSocket)"). Every page works without them:
// they only save a reload. Two sockets:
// - /ws/notifications/ for a signed-in member (body[data-member]): the bell's count, a toast
//   per new notification, and a nudge to the agents' queue ([data-live-queue]);
// - /ws/threads/<id>/ on a thread page ([data-live-thread]), for everyone: new answers,
//   kudos counts, the accepted solution as it is accepted, changed or withdrawn, and the
//   question closed as a duplicate, locked or reopened.
// The server replays what a member missed when asked with ?since=<last id>, so the last id
// seen is kept per member in localStorage and sent on every (re)connect.
(function () {
  "use strict";

  var UNAUTHENTICATED = 4401;
  var NOT_FOUND = 4404;
  var MAX_DELAY_MS = 30000;
  var STABLE_MS = 10000; // a connection that lived this long resets the back-off
  var MAX_TOASTS = 3;
  var TOAST_MS = 8000;

  function socketUrl(path) {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + path;
  }

  // One socket that reconnects with exponential back-off (1 s doubling to 30 s, +-20 %
  // jitter so a restarted server isn't hit by every page at once) until a close code says
  // there is no point. Its state shows on `marker` as markerName="open"|"closed" (for
  // styles, and for tests to know when the page is listening).
  function keepOpen(options) {
    var delay = 1000;
    var socket = null;
    var timer = null;
    var stopped = false;

    function connect() {
      timer = null;
      var openedAt = 0;
      socket = new WebSocket(socketUrl(options.path()));
      socket.onopen = function () {
        openedAt = Date.now();
        options.marker.setAttribute(options.markerName, "open");
      };
      socket.onmessage = function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        options.onMessage(data);
      };
      socket.onclose = function (event) {
        socket = null;
        options.marker.setAttribute(options.markerName, "closed");
        if (stopped || options.finalCodes.indexOf(event.code) !== -1) return;
        if (openedAt && Date.now() - openedAt >= STABLE_MS) delay = 1000;
        var wait = delay * (0.8 + Math.random() * 0.4);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
        timer = window.setTimeout(connect, wait);
      };
    }

    connect();
    // Leaving the page closes the socket (so the page may enter the back/forward cache);
    // coming back to it from that cache opens a new one, which catches up by itself.
    window.addEventListener("pagehide", function () {
      stopped = true;
      if (timer) window.clearTimeout(timer);
      if (socket) socket.close(1000);
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted || !stopped) return;
      stopped = false;
      delay = 1000;
      connect();
    });
  }

  // --- Notifications --------------------------------------------------------------------

  function storageKey(member) { return "mutua:notifications:last:" + member; }

  function lastSeen(member) {
    try {
      var value = parseInt(window.localStorage.getItem(storageKey(member)), 10);
      return value > 0 ? value : null;
    } catch (error) {
      return null; // storage disabled: the server starts from now
    }
  }

  function remember(member, id) {
    if (!(id > 0)) return;
    try {
      var key = storageKey(member);
      var known = parseInt(window.localStorage.getItem(key), 10) || 0;
      if (id > known) window.localStorage.setItem(key, String(id));
    } catch (error) { /* storage disabled or full: replay starts from now next time */ }
  }

  function setUnreadCount(count) {
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      badge.textContent = String(count);
      badge.hidden = !(count > 0);
    });
  }

  function toastArea() {
    var area = document.getElementById("live-toasts");
    if (area) return area;
    area = document.createElement("div");
    area.id = "live-toasts";
    area.className = "live-toasts";
    area.setAttribute("role", "status");
    area.setAttribute("aria-live", "polite");
    // Styled here so the feature is one file; mutua.css may restyle .live-toasts/.live-toast.
    area.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:1000;display:flex;" +
      "flex-direction:column;gap:.5rem;max-width:min(24rem,calc(100vw - 2rem));";
    document.body.appendChild(area);
    return area;
  }

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function showToast(notification) {
    var area = toastArea();
    var toast = document.createElement(isLocalPath(notification.url) ? "a" : "p");
    toast.className = "live-toast";
    toast.setAttribute("data-notification-id", String(notification.id));
    if (toast.tagName === "A") toast.href = notification.url;
    toast.textContent = notification.message;
    toast.style.cssText = "display:block;margin:0;padding:.75rem 1rem;border-radius:8px;" +
      "background:#1e293b;color:#fff;box-shadow:0 4px 16px rgba(0,0,0,.2);text-decoration:none;";
    area.appendChild(toast);
    while (area.children.length > MAX_TOASTS) area.removeChild(area.firstChild);
    window.setTimeout(function () { toast.remove(); }, TOAST_MS);
  }

  function liveNotifications(member) {
    keepOpen({
      path: function () {
        var since = lastSeen(member);
        return "/ws/notifications/" + (since ? "?since=" + since : "");
      },
      finalCodes: [UNAUTHENTICATED],
      marker: document.body,
      markerName: "data-live-notifications",
      onMessage: function (data) {
        if (data.type === "notification") {
          remember(member, data.notification.id);
          setUnreadCount(data.unread_count);
          showToast(data.notification);
        } else if (data.type === "unread") {
          if (data.last_id) remember(member, data.last_id);
          setUnreadCount(data.unread_count);
        } else if (data.type === "queue.changed" && window.htmx) {
          document.querySelectorAll("[data-live-queue][hx-get]").forEach(function (queue) {
            window.htmx.trigger(queue, "queue-changed");
          });
        }
      },
    });
  }

  // --- An open thread -------------------------------------------------------------------

  function pluralCategory(count) {
    try {
      return new Intl.PluralRules(document.documentElement.lang || "en").select(count);
    } catch (error) {
      return count === 1 ? "one" : "other";
    }
  }

  // The answers section carries the heading's two forms, translated by the server for 1
  // and 2 answers (data-count-one/-other); the sample number is swapped for the real one.
  var COUNT_SAMPLES = { one: "1", other: "2" };

  function setAnswerCount(count) {
    var heading = document.getElementById("answers-heading");
    var forms = document.querySelector("[data-count-one][data-count-other]");
    if (!heading || !forms || typeof count !== "number") return;
    var form = pluralCategory(count) === "one" ? "one" : "other";
    var text = forms.getAttribute("data-count-" + form);
    if (text) heading.textContent = text.replace(COUNT_SAMPLES[form], String(count));
  }

  function fetchCard(postId) {
    return fetch("/posts/" + encodeURIComponent(postId) + "/card/", {
      credentials: "same-origin",
      headers: { "X-Requested-With": "live" },
    }).then(function (response) {
      if (!response.ok) return null; // hidden, deleted or not ours to see
      return response.text().then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        return holder.querySelector("article.post");
      });
    });
  }

  function belongsHere(card, threadId) {
    return card && card.getAttribute("data-thread-id") === String(threadId);
  }

  function activate(element) {
    if (window.htmx) window.htmx.process(element); // its kudos button posts through HTMX
  }

  function answerCreated(threadId, event) {
    setAnswerCount(event.answer_count);
    var answers = document.getElementById("answers");
    if (!answers || document.getElementById("post-" + event.post_id)) return;
    // Answers are paginated: a new one belongs on the last page only.
    if (answers.hasAttribute("data-more-pages")) return;
    fetchCard(event.post_id).then(function (card) {
      // The member's own answer may have been swapped in meanwhile.
      if (!belongsHere(card, threadId) || document.getElementById("post-" + event.post_id)) return;
      var empty = document.getElementById("no-answers");
      if (empty) empty.remove();
      answers.appendChild(card);
      activate(card);
    });
  }

  function answerUpdated(threadId, event) {
    var current = document.getElementById("post-" + event.post_id);
    if (!current) return;
    fetchCard(event.post_id).then(function (card) {
      var still = document.getElementById("post-" + event.post_id);
      if (!still) return;
      if (card === null) { still.remove(); return; } // hidden or deleted
      if (!belongsHere(card, threadId)) return;
      still.replaceWith(card);
      activate(card);
    });
  }

  function kudosChanged(question, event) {
    var holder = event.post_id
      ? document.getElementById("post-" + event.post_id)
      : question;
    if (!holder) return;
    holder.querySelectorAll("[data-kudos-count]").forEach(function (count) {
      // Only this item's own button, not a nested one.
      if (count.closest("article") === holder) count.textContent = String(event.kudos_count);
    });
  }

  // The status in the header: "Solved" comes and goes with the solution; the server gives
  // the badge's translated text (data-solved-label).
  function setSolved(question, solved) {
    var status = document.getElementById("question-status");
    if (!status) return;
    var badge = status.querySelector(".status-solved");
    if (!solved) {
      if (badge) badge.remove();
      return;
    }
    if (badge) return;
    var unanswered = status.querySelector(".status-unanswered");
    if (unanswered) unanswered.remove();
    badge = document.createElement("span");
    badge.className = "status status-solved";
    badge.textContent = question.getAttribute("data-solved-label") || "✓ Solved";
    status.insertBefore(badge, status.firstChild);
  }

  // Where an answer's card goes: the solution first, then oldest first, as the server
  // orders them (community.selectors.thread_answers).
  function postedAt(card) {
    var time = card.querySelector(".byline time[datetime]");
    return [time ? Date.parse(time.getAttribute("datetime")) : 0,
      Number(card.getAttribute("data-post-id"))];
  }

  function place(answers, card) {
    if (card.classList.contains("is-solution")) {
      answers.insertBefore(card, answers.firstChild);
      return;
    }
    var mine = postedAt(card);
    var before = null;
    answers.querySelectorAll("article.post[data-post-id]").forEach(function (other) {
      if (before || other.classList.contains("is-solution")) return;
      var theirs = postedAt(other);
      if (theirs[0] > mine[0] || (theirs[0] === mine[0] && theirs[1] > mine[1])) before = other;
    });
    answers.insertBefore(card, before);
  }

  // A solution accepted, changed or withdrawn: the header's status, and the cards of the
  // answer that was the solution and of the one that is now, fetched again (their badge and,
  // for the asker, their accept/unmark buttons) and put in their places. Answers spread over
  // pages keep their places here (the solution opens the first page after a reload).
  function solutionChanged(threadId, question, event) {
    setSolved(question, Boolean(event.post_id));
    var answers = document.getElementById("answers");
    if (!answers) return;
    var reorder = !answers.hasAttribute("data-paged");
    var ids = {};
    answers.querySelectorAll("article.post.is-solution[data-post-id]").forEach(function (card) {
      ids[card.getAttribute("data-post-id")] = true;
    });
    if (event.post_id) ids[String(event.post_id)] = true;
    Object.keys(ids).forEach(function (postId) {
      if (!document.getElementById("post-" + postId) && !reorder) return;
      fetchCard(postId).then(function (card) {
        var still = document.getElementById("post-" + postId);
        if (card === null) { if (still) still.remove(); return; } // hidden or deleted
        if (!belongsHere(card, threadId)) return;
        if (!reorder) {
          if (still) { still.replaceWith(card); activate(card); }
          return;
        }
        if (still) still.remove();
        place(answers, card);
        activate(card);
        var empty = document.getElementById("no-answers");
        if (empty) empty.remove();
      });
    });
  }

  // The question changed (closed as a duplicate or reopened, locked or unlocked, edited):
  // the page is fetched again as the server renders it for this reader, and its status, the
  // duplicate notice pointing to the original and the answer form's place are swapped in.
  // The answer form is replaced only when its state changes (open, locked, duplicate...), so
  // an edit elsewhere never takes away what the reader is typing.
  function fetchPage() {
    return fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      cache: "no-store", // a visitor's page may be kept a minute by the browser
      headers: { "X-Requested-With": "live" },
    }).then(function (response) {
      if (!response.ok) return null; // hidden or deleted: a reload will say so
      return response.text().then(function (html) {
        return new DOMParser().parseFromString(html, "text/html");
      });
    });
  }

  function swapPart(fresh, id, anchor) {
    var current = document.getElementById(id);
    var next = fresh.getElementById(id);
    if (next) next = document.importNode(next, true);
    if (current && next) current.replaceWith(next);
    else if (current) current.remove();
    else if (next && anchor) anchor.after(next);
    if (next) activate(next);
  }

  function threadUpdated(threadId, question) {
    fetchPage().then(function (fresh) {
      if (!fresh) return;
      var freshQuestion = fresh.querySelector("[data-live-thread]");
      if (!freshQuestion || freshQuestion.getAttribute("data-live-thread") !== String(threadId)) return;
      // What the asker or a moderator changed: the board (a move), the title and status,
      // the body and tags, the duplicate notice and the answer form.
      swapPart(fresh, "question-breadcrumbs", null);
      swapPart(fresh, "question-header", null);
      swapPart(fresh, "question-body", null);
      document.title = fresh.title;
      swapPart(fresh, "duplicate-notice", question.querySelector(".question-header"));
      var form = document.getElementById("answer-form-wrap");
      var freshForm = fresh.getElementById("answer-form-wrap");
      if (form && freshForm &&
          form.getAttribute("data-state") !== freshForm.getAttribute("data-state")) {
        swapPart(fresh, "answer-form-wrap", null);
      }
    }).catch(function () { /* offline: a reload catches up */ });
  }

  function liveThread(question) {
    var threadId = question.getAttribute("data-live-thread");
    if (!/^\d+$/.test(threadId || "")) return;
    keepOpen({
      path: function () { return "/ws/threads/" + threadId + "/"; },
      finalCodes: [UNAUTHENTICATED, NOT_FOUND],
      marker: question,
      markerName: "data-live",
      onMessage: function (event) {
        if (event.type === "post.created") answerCreated(threadId, event);
        else if (event.type === "post.updated") answerUpdated(threadId, event);
        else if (event.type === "kudos.changed") kudosChanged(question, event);
        else if (event.type === "solution.changed") solutionChanged(threadId, question, event);
        else if (event.type === "thread.updated") threadUpdated(threadId, question);
      },
    });
  }

  // An answer can arrive twice, from this socket and from the member's own HTMX post
  // (its out-of-band swap appends it): keep the first copy.
  document.addEventListener("htmx:afterSettle", function () {
    var seen = {};
    document.querySelectorAll("#answers article.post[id]").forEach(function (post) {
      if (seen[post.id]) post.remove();
      else seen[post.id] = true;
    });
  });

  // --- Announcements ---------------------------------------------------------------------
  // The banner at the top of the home, board, thread and ask pages ([data-live-announcements])
  // is fetched again, for this viewer, when staff post, edit, unpin or delete an announcement,
  // and when the soonest of those shown is due to come down (the server's clock decides).

  var MAX_TIMER_MS = 24 * 3600 * 1000;
  var bannerTimer = null;

  function refreshBanner() {
    var region = document.querySelector("[data-live-announcements]");
    if (!region) return;
    fetch(region.getAttribute("data-banner-url"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "live" },
    }).then(function (response) {
      if (!response.ok) return null;
      return response.text();
    }).then(function (html) {
      if (html === null) return;
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.querySelector("[data-live-announcements]");
      var current = document.querySelector("[data-live-announcements]");
      if (!fresh || !current) return;
      current.replaceWith(fresh);
      activate(fresh);
      scheduleUnpinning();
    }).catch(function () { /* offline: the next event or reload catches up */ });
  }

  // The ask page's board select ([data-announcements-board]): the banner follows the board
  // the question is for, as it does when the page is opened with ?board=.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-announcements-board]")) return;
    var region = document.querySelector("[data-live-announcements]");
    if (!region) return;
    var base = region.getAttribute("data-banner-url").split("?")[0];
    region.setAttribute("data-banner-url",
      select.value ? base + "?board=" + encodeURIComponent(select.value) : base);
    refreshBanner();
  });

  function scheduleUnpinning() {
    if (bannerTimer) window.clearTimeout(bannerTimer);
    bannerTimer = null;
    var soonest = null;
    document.querySelectorAll("[data-live-announcements] [data-pinned-until]").forEach(function (item) {
      var until = Date.parse(item.getAttribute("data-pinned-until"));
      if (!isNaN(until) && (soonest === null || until < soonest)) soonest = until;
    });
    if (soonest === null) return;
    var wait = Math.min(Math.max(soonest - Date.now(), 0) + 1000, MAX_TIMER_MS);
    bannerTimer = window.setTimeout(refreshBanner, wait);
  }

  // --- Known issues ----------------------------------------------------------------------
  // A known issue's banners ([data-live-known-issues]: on board, question and ask pages) are
  // fetched again through their own hx-get when the announcements socket says the issue
  // changed (an update, its status, a "me too"); only those showing that issue, each after a
  // short random wait so a crowd of open pages does not ask at the same instant.

  function knownIssueChanged(event) {
    if (!window.htmx) return;
    var shown = '[data-known-issue="' + parseInt(event.id, 10) + '"]';
    document.querySelectorAll("[data-live-known-issues]").forEach(function (region) {
      if (!region.querySelector(shown) || region.hasAttribute("data-known-issue-due")) return;
      region.setAttribute("data-known-issue-due", "");
      window.setTimeout(function () {
        region.removeAttribute("data-known-issue-due");
        window.htmx.trigger(region, "known-issue-changed");
      }, 200 + Math.random() * 1300);
    });
  }

  // One socket for both: a page showing the banner and a known issue opens one, not two.
  function liveAnnouncements() {
    scheduleUnpinning();
    keepOpen({
      path: function () { return "/ws/announcements/"; },
      finalCodes: [],
      marker: document.body,
      markerName: "data-announcements-socket",
      onMessage: function (event) {
        if (event.type === "announcement.changed") refreshBanner();
        else if (event.type === "known_issue.changed") knownIssueChanged(event);
      },
    });
  }

  function start() {
    if (!("WebSocket" in window)) return;
    var member = document.body.getAttribute("data-member");
    if (member) liveNotifications(member);
    var question = document.querySelector("[data-live-thread]");
    if (question) liveThread(question);
    if (document.querySelector("[data-live-announcements], [data-live-known-issues]")) {
      liveAnnouncements();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
