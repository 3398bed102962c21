// Screening: keyboard shortcuts on the list and the detail page, and "tick every application on
// this page". A key only acts when the focus is not in something that takes typing or keys of its
// own (text boxes, lists, editable text), and never with Ctrl, Alt or Meta.
(function () {
  "use strict";

  function takesKeys(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    if (element.tagName === "INPUT") return !/^(checkbox|radio|submit|button|reset)$/.test(element.type);
    return /^(TEXTAREA|SELECT)$/.test(element.tagName);
  }

  function choose(value, focusReason) {
    var radio = document.querySelector('input[name="decision"][value="' + value + '"]');
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var reason = document.querySelector('textarea[name="reason"]');
    (focusReason && reason ? reason : radio).focus();
    return true;
  }

  function follow(key) {
    var link = document.querySelector('[data-shortcut="' + key + '"]');
    if (!link) return false;
    link.click();
    return true;
  }

  var tickAll = document.querySelector("[data-tick-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][type="checkbox"]'));
  var counter = document.querySelector("[data-ticked-count]");

  function showCount() {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    if (counter) counter.textContent = String(ticked);
    if (tickAll) {
      tickAll.checked = ticked > 0 && ticked === boxes.length;
      tickAll.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  if (tickAll) {
    tickAll.hidden = false;
    var label = tickAll.closest("label");
    if (label) label.hidden = false;
    tickAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = tickAll.checked; });
      showCount();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", showCount); });
  showCount();

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (takesKeys(event.target)) return;
    var done = false;
    switch (event.key) {
      case "?":
        var help = document.getElementById("shortcuts");
        if (help) { help.open = !help.open; done = true; }
        break;
      case "/":
        var search = document.querySelector('input[name="q"]');
        if (search) { search.focus(); search.select(); done = true; }
        break;
      case "a":
        if (tickAll) { tickAll.checked = !tickAll.checked; tickAll.dispatchEvent(new Event("change")); done = true; }
        break;
      case "e":
        done = choose("eligible", false);
        break;
      case "i":
        done = choose("ineligible", true);
        break;
      case "p": case "n": case "l": case "s":
        done = follow(event.key);
        break;
    }
    if (done) event.preventDefault();
  });
})();
