/* The jury meeting's timer per project (templates/scoring/results/meeting.html): start, pause
   and reset; it counts up and turns to the warning colour when the project's time is up. The
   elapsed time is kept in sessionStorage per round and project, so that moving to another
   project and back, or reloading after a decision, does not lose it. No framework. */
(function () {
  "use strict";
  document.querySelectorAll("[data-meeting-timer]").forEach(function (box) {
    var key = box.dataset.key;
    var target = parseInt(box.dataset.target, 10) || 0;
    var display = box.querySelector("[data-timer-display]");
    var start = box.querySelector("[data-timer-start]");
    var pause = box.querySelector("[data-timer-pause]");
    var reset = box.querySelector("[data-timer-reset]");
    var state = { elapsed: 0, since: null };
    try {
      state = JSON.parse(window.sessionStorage.getItem(key)) || state;
    } catch (error) { /* storage unavailable or corrupt: start from zero */ }
    var ticking = null;

    function seconds() {
      var extra = state.since ? (Date.now() - state.since) / 1000 : 0;
      return Math.floor(state.elapsed + extra);
    }
    function save() {
      try { window.sessionStorage.setItem(key, JSON.stringify(state)); } catch (error) { /* ignore */ }
    }
    function show() {
      var s = seconds();
      var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      display.textContent = text;
      box.classList.toggle("over", target > 0 && s >= target);
      start.hidden = !!state.since;
      pause.hidden = !state.since;
    }
    function run() {
      if (ticking === null) { ticking = window.setInterval(show, 500); }
    }
    start.addEventListener("click", function () {
      if (!state.since) { state.since = Date.now(); save(); }
      run(); show();
      pause.focus();
    });
    pause.addEventListener("click", function () {
      if (state.since) { state.elapsed += (Date.now() - state.since) / 1000; state.since = null; save(); }
      window.clearInterval(ticking); ticking = null; show();
      start.focus();
    });
    reset.addEventListener("click", function () {
      state = { elapsed: 0, since: null }; save();
      window.clearInterval(ticking); ticking = null; show();
    });
    if (state.since) { run(); }
    show();
  });
})();
