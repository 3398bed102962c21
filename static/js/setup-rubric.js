// The rubric builder's drag and drop: drag a criterion by its card, drop it on another, and the
// whole new order is posted to the set-up's order endpoint. Without script the Move up / Move
// down buttons (plain forms) do the same, and they stay the keyboard's way.
(function () {
  "use strict";
  const list = document.querySelector("[data-order-url]");
  if (!list) return;
  const status = document.getElementById("reorder-status");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  let dragged = null;

  list.querySelectorAll("[data-criterion]").forEach((item) => {
    item.draggable = true;
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.criterion);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      const box = item.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? item.nextSibling : item);
    });
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      save();
    });
  });

  function save() {
    const body = new URLSearchParams();
    list.querySelectorAll("[data-criterion]").forEach((item) => body.append("order", item.dataset.criterion));
    fetch(list.dataset.orderUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.value : "" },
      body: body,
      credentials: "same-origin",
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data: data })))
      .then(({ ok, data }) => {
        if (ok) {
          window.location.reload();
        } else if (status) {
          status.textContent = data.error || "";
        }
      })
      .catch(() => {
        if (status) status.textContent = list.dataset.failed || "";
      });
  }
})();

// The criterion page: this criterion's effective weight (its share of all weights, in percent),
// recomputed as the weight is typed, in the page language's number format.
(function () {
  "use strict";
  const output = document.getElementById("effective-weight-live");
  const field = document.getElementById("id_weight");
  if (!output || !field) return;
  const others = parseFloat(output.dataset.others || "0");
  const decimal = field.dataset.decimal || ".";

  function read(text) {
    let clean = text.replace(/[\s\u00a0\u202f]/g, "");
    if (decimal === ",") clean = clean.replace(/\./g, "").replace(",", ".");
    else clean = clean.replace(/,/g, "");
    return /^\d+(\.\d+)?$/.test(clean) ? parseFloat(clean) : NaN;
  }

  function update() {
    const weight = read(field.value);
    if (!(weight > 0) || !(weight + others > 0)) {
      output.textContent = "–";
      return;
    }
    const percent = (100 * weight) / (weight + others);
    output.textContent = percent.toFixed(1).replace(".", decimal) + " %";
  }

  field.addEventListener("input", update);
})();
