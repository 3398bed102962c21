/* Arrow keys step a decimal text field as a number field would (README, "Typing numbers"):
   fields with data-step (and data-min, data-max, in plain 7.5 form) go up or down one step.
   The typed text is read with the page language's rules (data-decimal is "," or "."), and a
   text these rules do not read plainly is left alone rather than guessed. No dependencies. */
(function () {
  "use strict";
  var SPACES = /[\s\u00a0\u202f]/g;

  // The subset of award/numbers.py a score needs: digits, one sign, one decimal separator.
  function read(text, comma) {
    var t = text.replace(SPACES, "").replace("\u2212", "-");
    if (t === "") { return null; }
    var m = /^(-?)(\d*)(?:([.,])(\d+))?$/.exec(t);
    if (!m || (m[2] === "" && m[4] === undefined)) { return NaN; }
    if (m[3] === "," && !comma) { return NaN; }  // "1,5" in English: refused, never 15
    if (m[3] === "." && comma && m[4].length === 3) { return NaN; }  // "1.500": 1500 or 1,5?
    return parseFloat(m[1] + (m[2] || "0") + (m[4] !== undefined ? "." + m[4] : ""));
  }

  function write(value, step, comma) {
    var places = (String(step).split(".")[1] || "").length;
    var text = String(Number(value.toFixed(places)));
    return comma ? text.replace(".", ",") : text;
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") { return; }
    if (!el.matches || !el.matches("input[data-step]") || el.readOnly || el.disabled) { return; }
    var step = parseFloat(el.getAttribute("data-step"));
    var min = parseFloat(el.getAttribute("data-min"));
    var max = parseFloat(el.getAttribute("data-max"));
    var comma = el.getAttribute("data-decimal") === ",";
    var current = read(el.value, comma);
    if (!(step > 0) || isNaN(min) || isNaN(max) || Number.isNaN(current)) { return; }
    event.preventDefault();
    var up = event.key === "ArrowUp";
    var next;
    if (current === null) {
      next = up ? min : max;
    } else {
      var n = Math.round(((current - min) / step) * 1e6) / 1e6;  // steps from min, float noise removed
      next = min + (up ? Math.floor(n) + 1 : Math.ceil(n) - 1) * step;
    }
    next = Math.min(max, Math.max(min, next));
    el.value = write(next, el.getAttribute("data-step"), comma);
    el.dispatchEvent(new Event("input", {bubbles: true}));
  });
})();
