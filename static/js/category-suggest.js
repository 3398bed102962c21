// The category suggested from the population the team types (issue 16): the page lists the
// edition's size bands as [category id, from, up to]; the server makes the same suggestion on
// save, so this only makes it visible at once. A category the team picked itself is kept.
(function () {
  "use strict";
  var data = document.getElementById("size-bands");
  var population = document.getElementById("id_population");
  var category = document.getElementById("id_category");
  if (!data || !population || !category) return;
  var bands = JSON.parse(data.textContent);
  var type = document.getElementById("id_organisation_type");
  var note = document.getElementById("category-suggestion");
  var chosen = category.value !== "" && !(note && note.dataset.suggested);
  category.addEventListener("change", function () {
    chosen = category.value !== "";
    if (note) note.textContent = "";
  });
  function suggest() {
    if (chosen) return;
    var n = parseInt(population.value.replace(/[\s\u00a0.,']/g, ""), 10);
    if (isNaN(n) || n < 0 || (type && type.value && type.value !== "municipality")) return;
    for (var i = 0; i < bands.length; i++) {
      var band = bands[i];
      if (n >= band[1] && (band[2] === null || n <= band[2])) {
        category.value = String(band[0]);
        if (note) note.textContent = note.dataset.text;
        return;
      }
    }
  }
  population.addEventListener("input", suggest);
  if (type) type.addEventListener("change", suggest);
})();
