/* Applicant portal: live countdown to the submission deadline (the character counters are in counters.js).
   Loaded as a static file (the Content-Security-Policy forbids inline scripts); every
   user-facing word comes from data attributes rendered by the translated templates. */
(function () {
  "use strict";

  var countdown = document.getElementById("countdown");
  if (countdown) {
    var deadline = new Date(countdown.dataset.deadline).getTime();
    var units = [countdown.dataset.d, countdown.dataset.h, countdown.dataset.m, countdown.dataset.s];
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var parts = [Math.floor(left / 86400), Math.floor(left % 86400 / 3600), Math.floor(left % 3600 / 60), left % 60];
      countdown.textContent = parts.map(function (n, i) { return n + " " + units[i]; }).join(" ");
      if (left > 0) { setTimeout(tick, 1000); }
    };
    tick();
  }
})();
