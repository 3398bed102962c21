/* The presenter view: follows the presentation's window over a BroadcastChannel (the same
   origin, any window), shows the slide on screen and the next one (copies of the slides,
   scaled into their boxes), the notes to read, and a clock (slides fitted by ceremony.js, loaded first); its buttons and arrow keys move
   the presentation. No dependencies. */
(function () {
  "use strict";
  var source = document.getElementById("deck");
  if (!source) { return; }
  document.documentElement.classList.add("js");
  var slides = Array.prototype.slice.call(source.querySelectorAll(".slide"));
  var currentBox = document.querySelector("[data-preview=current]");
  var nextBox = document.querySelector("[data-preview=next]");
  var nextLabel = document.querySelector("[data-presenter-next-label]");
  var notes = document.querySelector("[data-presenter-notes]");
  var counter = document.querySelector("[data-presenter-current]");
  var total = document.querySelector("[data-presenter-total]");
  var clock = document.querySelector("[data-presenter-clock]");
  var status = document.querySelector("[data-presenter-status]");
  var started = null;
  var channel = null;
  try {
    channel = new window.BroadcastChannel(source.getAttribute("data-channel") || "ceremony");
  } catch (error) {
    channel = null;
  }

  function copy(slide, revealed) {
    var clone = slide.cloneNode(true);
    var aside = clone.querySelector(".slide-notes");
    if (aside) { aside.remove(); }
    clone.classList.add("active");
    clone.classList.toggle("revealed", Boolean(revealed));
    clone.hidden = false;
    return clone;
  }

  function render(index, revealed) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    var slide = slides[index];
    var isRevealed = Boolean(revealed) && slide.hasAttribute("data-reveal");
    currentBox.replaceChildren(copy(slide, isRevealed));
    window.ceremonyFit(currentBox.firstChild);
    // The next thing the audience sees: the reveal of this slide, or the next slide.
    var upcoming = null;
    if (slide.hasAttribute("data-reveal") && !isRevealed) {
      upcoming = copy(slide, true);
      nextLabel.textContent = slide.getAttribute("data-reveal-label") || "";
    } else if (index + 1 < slides.length) {
      upcoming = copy(slides[index + 1], false);
      nextLabel.textContent = slides[index + 1].getAttribute("data-label") || "";
    } else {
      nextLabel.textContent = "";
    }
    nextBox.replaceChildren();
    if (upcoming) {
      nextBox.appendChild(upcoming);
      window.ceremonyFit(upcoming);
    }
    var aside = slide.querySelector(".slide-notes");
    notes.replaceChildren();
    if (aside) {
      Array.prototype.forEach.call(aside.childNodes, function (node) { notes.appendChild(node.cloneNode(true)); });
    }
    notes.setAttribute("data-slide-label", slide.getAttribute("data-label") || "");
    counter.textContent = String(index + 1);
    total.textContent = String(slides.length);
  }

  function tick() {
    if (started === null) { return; }
    var seconds = Math.floor((Date.now() - started) / 1000);
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    clock.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function command(action) {
    if (channel) { channel.postMessage({ type: "command", action: action }); }
  }

  status.textContent = status.getAttribute("data-waiting");
  render(0, false);
  if (channel) {
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.type !== "state") { return; }
      if (started === null) { started = Date.now(); }
      status.textContent = status.getAttribute("data-following");
      document.body.setAttribute("data-following", "true");
      render(message.index, message.revealed);
    };
    channel.postMessage({ type: "hello" });
  }
  window.setInterval(tick, 1000);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-command]");
    if (button) { command(button.getAttribute("data-command")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && target.closest && target.closest("button, a, input, select, textarea") && (event.key === " " || event.key === "Enter")) { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") { command("next"); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { command("previous"); }
    else { return; }
    event.preventDefault();
  });
}());
