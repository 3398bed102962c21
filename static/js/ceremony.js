/* The ceremony presentation: one slide at a time, driven by the keyboard (or the on-screen
   buttons). Right, Space, PageDown: next; Left, PageUp: previous; Home, End: first, last;
   F: full screen; Esc: leave full screen. A slide marked data-reveal takes one more press
   to reveal its winner. Works from a file on disk with no network; no dependencies. */
(function () {
  "use strict";
  var deck = document.getElementById("deck");
  if (!deck) { return; }
  document.documentElement.classList.add("js");
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
  var announcer = document.getElementById("announcer");
  var current = document.querySelector("[data-slide-current]");
  var total = document.querySelector("[data-slide-total]");
  var template = deck.getAttribute("data-announce") || "{current} / {total}";
  var fullscreenButton = document.querySelector("[data-action=fullscreen]");
  var index = 0;
  var revealed = false;

  function label(slide) {
    if (revealed && slide.hasAttribute("data-reveal-label")) {
      return slide.getAttribute("data-reveal-label");
    }
    return slide.getAttribute("data-label") || "";
  }

  function show(newIndex, reveal) {
    index = Math.max(0, Math.min(slides.length - 1, newIndex));
    revealed = Boolean(reveal) && slides[index].hasAttribute("data-reveal");
    slides.forEach(function (slide, i) {
      var active = i === index;
      slide.classList.toggle("active", active);
      slide.classList.toggle("revealed", active && revealed);
      slide.hidden = !active;
    });
    current.textContent = String(index + 1);
    total.textContent = String(slides.length);
    var text = template.replace("{current}", index + 1).replace("{total}", slides.length);
    announcer.textContent = text + ": " + label(slides[index]);
    document.body.setAttribute("data-slide", String(index + 1));
    if (window.history && window.history.replaceState && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", "#" + (index + 1));
    }
  }

  function next() {
    if (slides[index].hasAttribute("data-reveal") && !revealed) {
      show(index, true);
    } else if (index < slides.length - 1) {
      show(index + 1, false);
    }
  }

  function previous() {
    if (revealed) {
      show(index, false);
    } else if (index > 0) {
      // Coming back to a winner's slide shows it as it was left: revealed.
      show(index - 1, true);
    }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay windowed */ });
    }
  }

  function syncFullscreenButton() {
    if (fullscreenButton) {
      fullscreenButton.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var onControl = target && target.closest && target.closest("button, a, input, select, textarea");
    // Space and Enter on a focused button or link press that control, not the deck.
    if (onControl && (event.key === " " || event.key === "Enter")) { return; }
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
      case " ":
      case "Spacebar":
        next();
        break;
      case "ArrowLeft":
      case "PageUp":
        previous();
        break;
      case "Home":
        show(0, false);
        break;
      case "End":
        show(slides.length - 1, false);
        break;
      case "f":
      case "F":
        toggleFullscreen();
        break;
      case "Escape":
        if (document.fullscreenElement) { document.exitFullscreen(); }
        return;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action]");
    if (!button) { return; }
    var action = button.getAttribute("data-action");
    if (action === "next") { next(); }
    else if (action === "previous") { previous(); }
    else if (action === "fullscreen") { toggleFullscreen(); }
  });
  document.addEventListener("fullscreenchange", syncFullscreenButton);

  var start = parseInt((window.location.hash || "").slice(1), 10);
  show(isNaN(start) ? 0 : start - 1, false);
}());
