/* Autosave of a juror's scores: posts the form with its version a moment after the juror
   stops typing, and when the tab is hidden or closed. Keeps an unsaved copy in localStorage
   so that nothing is lost when the session expires or the network fails. When the server is
   briefly unavailable (503 with Retry-After, e.g. its database connection was cut) or the
   network fails, it keeps the values, says "Connection lost — retrying…" and tries again with a
   growing delay (2 s, 4 s, ... 30 s) until the save goes through. No dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !window.fetch) { return; }
  var statusEl = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  var url = form.getAttribute("data-autosave-url");
  var key = "award-autosave:" + url;
  var timer = null, inFlight = false, pending = false, stopped = false, dirty = false;
  var retryDelay = 0;  // 0 while the server answers; otherwise the next wait before retrying

  function say(text, kind) {
    statusEl.textContent = text;
    statusEl.className = kind ? "autosave-" + kind : "";
  }
  function fields() {
    return form.querySelectorAll("[data-autosave]");
  }
  function snapshot() {
    var data = {};
    fields().forEach(function (el) { data[el.name] = el.value; });
    return {version: versionInput.value, data: data};
  }
  function remember() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* private mode */ }
  }
  function forget() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }
  function clearErrors() {
    form.querySelectorAll(".autosave-field-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid=true]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      var small = document.createElement("small");
      small.className = "field-error autosave-field-error";
      small.setAttribute("role", "alert");
      small.textContent = errors[name].join(" ");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.insertAdjacentElement("afterend", small);
      } else {
        statusEl.insertAdjacentElement("beforebegin", small);
      }
    });
  }

  function retryLater(serverSeconds) {
    dirty = true;
    remember();
    retryDelay = retryDelay ? Math.min(retryDelay * 2, 30000) : 2000;
    if (serverSeconds > 0) { retryDelay = Math.max(retryDelay, serverSeconds * 1000); }
    say(form.getAttribute("data-msg-retrying"), "retrying");
  }

  function save(keepalive) {
    if (stopped || !dirty) { return; }
    if (inFlight) { pending = true; return; }
    inFlight = true; pending = false; dirty = false;
    if (!retryDelay) { say(form.getAttribute("data-msg-saving"), "saving"); }
    var body = new FormData(form);
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      headers: {"X-Autosave": "1", "X-CSRFToken": body.get("csrfmiddlewaretoken"), "Accept": "application/json"}
    }).then(function (response) {
      if ((response.status >= 502 && response.status <= 504) || response.status === 429) {
        retryLater(parseInt(response.headers.get("Retry-After") || "0", 10));
        return;
      }
      retryDelay = 0;
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        dirty = true;
        say(form.getAttribute("data-msg-login"), "error");
        return;
      }
      return response.json().then(function (payload) {
        clearErrors();
        if (payload.ok) {
          versionInput.value = payload.version;
          say(payload.message, "ok");
          // A comment over its limit was left as stored (the scores were saved): mark it, and
          // keep this tab's copy so that the typed text survives a reload until it is shortened.
          var warned = payload.warnings && Object.keys(payload.warnings).length;
          showErrors(payload.warnings);
          if (!dirty && !warned) { forget(); } else { remember(); }
        } else if (payload.briefing) {
          // Not acknowledged yet: keep the values here (and in this tab's copy), link the briefing.
          dirty = true;
          remember();
          stopped = true;
          say(form.getAttribute("data-msg-briefing"), "error");
          var link = document.createElement("a");
          link.href = payload.briefing + "?next=" + encodeURIComponent(location.pathname);
          link.textContent = form.getAttribute("data-msg-briefing-link");
          statusEl.appendChild(document.createTextNode(" "));
          statusEl.appendChild(link);
        } else if (payload.stale || response.status === 409) {
          stopped = true;
          var all = payload.errors && payload.errors.__all__;
          say(all ? all.join(" ") : form.getAttribute("data-msg-error"), "error");
        } else {
          dirty = true;
          say(form.getAttribute("data-msg-error"), "error");
          showErrors(payload.errors);
        }
      });
    }).catch(function () {
      retryLater(0);
    }).then(function () {
      inFlight = false;
      if (pending || (dirty && !stopped)) { schedule(retryDelay || 5000); }
    });
  }
  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; save(false); }, delay);
  }

  // A copy left behind by a tab that could not save: offer it back if nothing changed since.
  try {
    var saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.version === versionInput.value) {
      var restored = false;
      Object.keys(saved.data).forEach(function (name) {
        var el = form.querySelector("[name='" + name + "']");
        if (el && el.value !== saved.data[name]) {
          el.value = saved.data[name];
          restored = true;
          // The tap targets, the level and the running total follow (static/js/scoring.js).
          el.dispatchEvent(new Event("input", {bubbles: true}));
        }
      });
      if (restored) { dirty = true; schedule(500); }
    } else if (saved) {
      forget();
    }
  } catch (e) { /* ignore */ }

  form.addEventListener("input", function (event) {
    if (!event.target.hasAttribute("data-autosave")) { return; }
    dirty = true;
    remember();
    schedule(800);
  });
  form.addEventListener("submit", function () { forget(); if (timer) { clearTimeout(timer); } stopped = true; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });
  // Back online (a phone waking up, a train leaving a tunnel): try the queued save now.
  window.addEventListener("online", function () { if (dirty && !stopped) { retryDelay = 0; schedule(100); } });
})();
