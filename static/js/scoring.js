/* The scoring page (issue 18): tap targets that fill the typed value, the level descriptor that
   matches it, the running weighted total by the ranking's formula (award/rubric.py
   review_total: 100 × Σ w (v − min) / (max − min) / Σ w, shown once every criterion has a
   value) and, on a phone, the switch between the application and the scores that keeps the
   place in each. The typed field stays the one the form sends; autosave.js saves it. */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) { return; }
  var lang = document.documentElement.lang || "en";
  var totalEl = document.getElementById("running-total");

  function read(input) {
    var t = input.value.replace(/[\s\u00a0\u202f]/g, "").replace("\u2212", "-");
    if (input.getAttribute("data-decimal") === ",") { t = t.replace(",", "."); }
    if (!/^-?\d*(\.\d+)?$/.test(t) || t === "" || t === "-") { return null; }
    var v = parseFloat(t);
    var lo = parseFloat(input.getAttribute("data-min")), hi = parseFloat(input.getAttribute("data-max"));
    return v >= lo && v <= hi ? v : null;
  }
  function valueInput(fieldset) {
    return fieldset.querySelector("input[data-autosave]");
  }

  function total() {
    var num = 0, den = 0, complete = true;
    form.querySelectorAll("fieldset.criterion").forEach(function (fs) {
      var input = valueInput(fs);
      var v = read(input);
      if (v === null) { complete = false; return; }
      var w = parseFloat(input.getAttribute("data-weight"));
      var lo = parseFloat(input.getAttribute("data-min")), hi = parseFloat(input.getAttribute("data-max"));
      num += w * (v - lo) / (hi - lo);
      den += w;
    });
    if (!totalEl) { return; }
    totalEl.textContent = complete && den > 0
      ? (100 * num / den).toLocaleString(lang, {minimumFractionDigits: 1, maximumFractionDigits: 1})
      : totalEl.getAttribute("data-empty");
  }

  function sync(fs) {
    var input = valueInput(fs);
    var v = read(input);
    fs.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = v !== null && parseFloat(r.value) === v; });
    var level = fs.querySelector(".level");
    if (level) {
      var text = "";
      fs.querySelectorAll(".levels li").forEach(function (li) {
        var lo = parseFloat(li.getAttribute("data-low")), hi = parseFloat(li.getAttribute("data-high"));
        if (v !== null && v >= lo && v <= hi) { text = li.textContent; }
      });
      level.textContent = text;
    }
  }

  form.querySelectorAll("fieldset.criterion").forEach(function (fs) {
    var input = valueInput(fs);
    if (!input) { return; }
    fs.addEventListener("change", function (event) {
      if (event.target.type !== "radio") { return; }
      input.value = input.getAttribute("data-decimal") === ","
        ? event.target.value.replace(".", ",") : event.target.value;
      // Autosave listens to "input" on the typed field.
      input.dispatchEvent(new Event("input", {bubbles: true}));
    });
    input.addEventListener("input", function () { sync(fs); total(); });
    sync(fs);
  });
  total();

  // On a phone: "Application" or "Scores", each keeping its scroll position.
  var switcher = document.querySelector(".view-switch");
  var layout = document.querySelector(".scoring-layout");
  if (!switcher || !layout) { return; }
  var phone = window.matchMedia("(max-width: 768px)");
  var places = {application: 0, rubric: 0};
  var current = switcher.getAttribute("data-start") || "application";
  function show(view, remember) {
    if (remember && phone.matches) { places[current] = window.scrollY; }
    current = view;
    layout.setAttribute("data-view", view);
    switcher.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === view));
    });
    if (remember && phone.matches) { window.scrollTo(0, places[view]); }
  }
  switcher.hidden = false;
  switcher.addEventListener("click", function (event) {
    var b = event.target.closest("button[data-view]");
    if (b && b.getAttribute("data-view") !== current) { show(b.getAttribute("data-view"), true); }
  });
  show(current, false);
})();
