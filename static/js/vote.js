// The public vote's bot check: find a number whose SHA-256 with the page's challenge starts
// with `difficulty` zero bits (Web Crypto, no library, no outside service). The work starts when
// the page loads and takes a second or two on a phone. The server also refuses a vote sent less
// than the poll's minimum seconds after the page was made, so the vote goes once both the work is
// done and that time has passed (counted from when this script starts, which is after the page
// was made); a vote pressed before then waits instead of being refused.
(function () {
  "use strict";
  var form = document.getElementById("vote-form");
  if (!form || !window.crypto || !window.crypto.subtle) return;
  var challenge = form.dataset.challenge;
  var difficulty = parseInt(form.dataset.difficulty, 10) || 0;
  var minSeconds = parseInt(form.dataset.minSeconds, 10) || 0;
  var output = form.querySelector("[data-vote-solution]");
  var status = form.querySelector("[data-vote-status]");
  var encoder = new TextEncoder();
  var pending = null;

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { bits++; b <<= 1; }
      return bits;
    }
    return bits;
  }

  async function solve() {
    for (var counter = 0; ; counter++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + counter));
      if (zeroBits(new Uint8Array(digest)) >= difficulty) return String(counter);
    }
  }

  var waited = new Promise(function (resolve) { setTimeout(resolve, minSeconds * 1000); });

  var work = Promise.all([solve(), waited]).then(function (results) {
    var solution = results[0];
    output.value = solution;
    form.dataset.solved = "true";
    if (pending) {
      var submitter = pending;
      pending = null;
      form.requestSubmit(submitter);
    }
  });

  form.addEventListener("submit", function (event) {
    if (form.dataset.solved === "true") return;
    event.preventDefault();
    // The pressed button shows that the vote is on its way (Pico's spinner for aria-busy); a
    // different button pressed meanwhile takes its place.
    if (pending && pending !== event.submitter) pending.removeAttribute("aria-busy");
    pending = event.submitter || null;
    if (pending) pending.setAttribute("aria-busy", "true");
    if (status) status.textContent = status.dataset.waiting || "…";
  });
  // A page the browser shows again from history (its back-forward cache, or its HTTP cache for
  // the page that answered a refused vote) holds a bot check that a vote may have spent: load
  // the voting page afresh, as a GET (a reload would send a refused vote's POST again).
  function afresh() {
    form.hidden = true; // nothing is typed into or pressed on the page being replaced
    window.location.replace(window.location.href);
  }
  var navigation = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  if (navigation && navigation.type === "back_forward") { afresh(); return; }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) afresh();
  });
  void work;
})();
