/* Character counters under every textarea with a maxlength, in any form that carries
   data-counter-template ("__USED__ of __MAX__ characters", translated by the template). The
   maxlength is rendered from the model field's max_length, the same limit the server enforces,
   so the counter, the browser and the server agree. A text stored before its limit applied
   shows e.g. "6000 of 5000 characters" in the warning colour; it is never cut here. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-counter-template]").forEach(function (form) {
    var template = form.dataset.counterTemplate;
    form.querySelectorAll("textarea[maxlength]").forEach(function (field) {
      var max = parseInt(field.getAttribute("maxlength"), 10);
      if (!max) { return; }
      var counter = document.createElement("small");
      counter.className = "char-counter";
      counter.setAttribute("aria-live", "polite");
      counter.setAttribute("data-counter-for", field.name);
      field.insertAdjacentElement("afterend", counter);
      var update = function () {
        // The browser counts a line break as one character, and so does the server.
        var used = field.value.length;
        counter.textContent = template.replace("__USED__", used).replace("__MAX__", max);
        counter.classList.toggle("char-counter-full", used >= max);
      };
      field.addEventListener("input", update);
      update();
    });
  });
})();
