/* The page frame (templates/base.html), progressively enhanced. No dependencies.
   1. The phone menu: base.html ships a <details>/<summary> that opens the menu without script;
      here it becomes a real <button aria-expanded aria-controls> that Escape closes.
   2. Data tables (table.data): every cell gets a data-label from its column header, so that
      below 600 px the CSS can show each row as a card with each value labelled. Without script
      the table stays a table and scrolls inside its own box. */
(function () {
  "use strict";

  function enhanceMenu() {
    var toggle = document.querySelector("details[data-menu-toggle]");
    var summary = toggle && toggle.querySelector("summary");
    var menu = document.getElementById("site-menu");
    if (!toggle || !summary || !menu) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "menu-button";
    button.textContent = summary.textContent;
    button.setAttribute("aria-controls", menu.id);
    button.setAttribute("aria-expanded", toggle.open ? "true" : "false");
    button.setAttribute("data-testid", summary.getAttribute("data-testid") || "menu-button");
    toggle.parentNode.replaceChild(button, toggle);

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the menu from anywhere inside it (or on the button) and returns focus.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") { return; }
      if (!menu.contains(event.target) && event.target !== button) { return; }
      // An open account dropdown inside the menu closes first; the next Escape closes the menu.
      var dropdown = event.target.closest && event.target.closest("details[open]");
      if (dropdown && menu.contains(dropdown)) {
        dropdown.open = false;
        dropdown.querySelector("summary").focus();
        return;
      }
      setOpen(false);
      button.focus();
    });
  }

  function labelTables() {
    var tables = document.querySelectorAll("table.data");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      var labels = [];
      if (head) {
        Array.prototype.forEach.call(head.cells, function (cell) {
          var text = cell.textContent.replace(/[▲▼]/g, "").replace(/\s+/g, " ").trim();
          for (var i = 0; i < (cell.colSpan || 1); i++) { labels.push(text); }
        });
      }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var span = cell.colSpan || 1;
            // A cell across every column ("No jurors yet.") speaks for itself.
            if (span === 1 && labels[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[column]);
            }
            column += span;
          });
        });
      });
      // The cards drop the table's display, and with it the table's semantics in some
      // browsers: the roles keep rows, headers and cells announced as such.
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
        group.setAttribute("role", "rowgroup");
      });
      Array.prototype.forEach.call(table.rows, function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.cells, function (cell) {
          var role = "cell";
          if (cell.tagName === "TH") {
            role = cell.getAttribute("scope") === "row" || !cell.closest("thead") ? "rowheader" : "columnheader";
          }
          cell.setAttribute("role", role);
        });
      });
      table.setAttribute("data-cards", "");
    });
  }

  enhanceMenu();
  labelTables();
})();
