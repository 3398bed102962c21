/* The ceremony presentation: one slide at a time, driven by the keyboard (or the on-screen
   buttons). Right, Space, PageDown: next; Left, PageUp: previous; Home, End: first, last;
   F: full screen; Esc: leave full screen. A slide marked data-reveal takes one more press
   to reveal its winner. Works from a file on disk with no network; no dependencies.
   Each slide is fitted to the screen: when its text would overflow, its type shrinks (--fit)
   until it fits. The control bar hides while the mouse rests. The presentation tells a
   presenter view (a second window, P) where it is, and obeys its buttons, over a
   BroadcastChannel. */
(function () {
  "use strict";
  function overflows(slide) {
    return slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1;
  }

  // The largest type (at most the design's) with which the slide's content fits, found by
  // halving the interval a few times; each step is one layout of one slide.
  function fit(slide) {
    slide.style.setProperty("--fit", "1");
    if (!overflows(slide)) { return; }
    var low = 0.3;
    var high = 1;
    for (var step = 0; step < 7; step += 1) {
      var middle = (low + high) / 2;
      slide.style.setProperty("--fit", String(middle));
      if (overflows(slide)) { high = middle; } else { low = middle; }
    }
    slide.style.setProperty("--fit", String(low));
  }

  // The presenter view fits its copies of the slides the same way.
  window.ceremonyFit = fit;
  var deck = document.getElementById("deck");
  if (!deck || deck.hasAttribute("data-presenter-source")) { return; }
  document.documentElement.classList.add("js");
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
  var announcer = document.getElementById("announcer");
  var current = document.querySelector("[data-slide-current]");
  var total = document.querySelector("[data-slide-total]");
  var template = deck.getAttribute("data-announce") || "{current} / {total}";
  var fullscreenButton = document.querySelector("[data-action=fullscreen]");
  var controls = document.querySelector(".deck-controls");
  var presenterUrl = deck.getAttribute("data-presenter-url");
  var idleDelay = parseInt(deck.getAttribute("data-idle-ms") || "2500", 10);
  var channel = null;
  var index = 0;
  var revealed = false;
  var idleTimer = null;

  try {
    channel = window.BroadcastChannel ? new window.BroadcastChannel(deck.getAttribute("data-channel") || "ceremony") : null;
  } catch (error) {
    channel = null; // a file opened from disk may have no origin to share a channel with
  }

  function measureControls() {
    if (controls) {
      deck.style.setProperty("--controls-height", controls.offsetHeight + "px");
    }
  }

  function broadcast() {
    if (channel) {
      channel.postMessage({ type: "state", index: index, revealed: revealed, total: slides.length });
    }
  }

  // The bar stays while the pointer is over it or a key has focused one of its buttons.
  function wake() {
    document.body.classList.remove("controls-idle");
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(function () {
      var focused = controls && controls.contains(document.activeElement) && document.activeElement.matches(":focus-visible");
      if (!focused && !(controls && controls.matches(":hover"))) {
        document.body.classList.add("controls-idle");
      }
    }, idleDelay);
  }

  function openPresenter() {
    if (presenterUrl) {
      window.open(presenterUrl, "ceremony-presenter", "popup,width=1280,height=800");
    }
  }

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
    fit(slides[index]);
    broadcast();
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
      case "p":
      case "P":
        if (!presenterUrl) { return; }
        openPresenter();
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
    else if (action === "presenter") { openPresenter(); }
  });
  document.addEventListener("fullscreenchange", syncFullscreenButton);
  ["mousemove", "pointerdown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, wake, { passive: true });
  });
  if (controls) { controls.addEventListener("focusin", wake); }
  window.addEventListener("resize", function () {
    measureControls();
    fit(slides[index]);
  });
  if (channel) {
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.type === "hello") { broadcast(); }
      else if (message.type === "command" && message.action === "next") { next(); }
      else if (message.type === "command" && message.action === "previous") { previous(); }
    };
  }
  Array.prototype.forEach.call(deck.querySelectorAll("img"), function (image) {
    image.addEventListener("load", function () { fit(slides[index]); });
  });
  measureControls();
  wake();

  var start = parseInt((window.location.hash || "").slice(1), 10);
  show(isNaN(start) ? 0 : start - 1, false);
}());
