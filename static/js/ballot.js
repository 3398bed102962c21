/* The ranked ballot (scoring/ballot): reorder the finalists by dragging a handle (mouse, pen or
   touch, through pointer events) or with Move up / Move down buttons (keyboard). The form still
   posts the place numbers, which anyone can also type: the script only rewrites them after a
   move. Places follow the order; finalists that were tied and stay side by side stay tied. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot]");
  if (!form) { return; }
  var list = form.querySelector("ol.ballot");
  var status = form.querySelector("[data-ballot-status]");
  var help = document.querySelector(".ballot-js-help");
  if (help) { help.hidden = false; }

  function items() { return Array.prototype.slice.call(list.querySelectorAll("li.ballot-item")); }
  function field(li) { return li.querySelector("input.ballot-rank"); }
  function title(li) { return li.querySelector(".ballot-title").textContent.trim(); }

  function renumber(moved, before) {
    var lis = items();
    var previous = null;
    lis.forEach(function (li, index) {
      var place = index + 1;
      if (previous && li !== moved && previous.li !== moved && before.get(li) !== "" &&
          before.get(li) === before.get(previous.li)) {
        place = previous.place;
      }
      field(li).value = place;
      previous = { li: li, place: place };
    });
    status.textContent = form.dataset.moved.replace("__TITLE__", title(moved)).replace("__PLACE__", field(moved).value);
  }

  function snapshot() {
    var values = new Map();
    items().forEach(function (li) { values.set(li, field(li).value); });
    return values;
  }

  function move(li, delta, focus) {
    var before = snapshot();
    if (delta < 0 && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (delta > 0 && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    } else {
      return;
    }
    renumber(li, before);
    if (focus) { focus.focus(); }
  }

  function button(text, label, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className || "secondary";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }

  items().forEach(function (li) {
    var name = title(li);
    var moves = document.createElement("span");
    moves.className = "ballot-moves";
    var up = button("↑", form.dataset.up + ": " + name);
    var down = button("↓", form.dataset.down + ": " + name);
    up.dataset.move = "up";
    down.dataset.move = "down";
    up.addEventListener("click", function () { move(li, -1, up); });
    down.addEventListener("click", function () { move(li, 1, down); });
    moves.appendChild(up);
    moves.appendChild(down);
    li.appendChild(moves);

    var handle = button("⠿", form.dataset.drag + ": " + name, "ballot-handle");
    handle.tabIndex = -1;  // the keyboard has the move buttons and the place field
    li.insertBefore(handle, li.firstChild);
    // The moves and the drop are followed on the document: moving the item in the list takes it
    // out of the document for an instant, which would release a pointer capture on the handle.
    var before = null;
    function follow(event) {
      var target = null;
      items().some(function (other) {
        if (other === li) { return false; }
        var box = other.getBoundingClientRect();
        if (event.clientY < box.top + box.height / 2) { target = other; return true; }
        return false;
      });
      if (target !== li.nextElementSibling) {
        list.insertBefore(li, target);
      }
    }
    function drop() {
      document.removeEventListener("pointermove", follow);
      document.removeEventListener("pointerup", drop);
      document.removeEventListener("pointercancel", drop);
      li.classList.remove("dragging");
      if (before) { renumber(li, before); }
      before = null;
    }
    handle.addEventListener("pointerdown", function (event) {
      before = snapshot();
      li.classList.add("dragging");
      event.preventDefault();
      document.addEventListener("pointermove", follow);
      document.addEventListener("pointerup", drop);
      document.addEventListener("pointercancel", drop);
    });
  });
})();
