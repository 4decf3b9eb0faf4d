/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  /* The error summary takes focus, so screen readers announce it first. */
  function errorSummary(root) {
    root.focus();
  }

  /* Search in a long list of people: hides the names that do not match. */
  function peoplePicker(root) {
    var box = root.querySelector(".people-search");
    var input = root.querySelector("[data-people-search]");
    var count = root.querySelector("[data-people-count]");
    var items = Array.prototype.slice.call(root.querySelectorAll(".choice[data-name]"));
    if (!box || !input || items.length < 8) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var name = item.getAttribute("data-name");
        var match = words.every(function (w) { return name.indexOf(w) !== -1; });
        var ticked = item.querySelector("input").checked;
        item.hidden = !(match || ticked);
        if (!item.hidden) { shown += 1; }
      });
      count.textContent = words.length ? shown + " / " + items.length : "";
    });
  }

  var modules = { "error-summary": errorSummary, "people-picker": peoplePicker };
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-module]"), function (el) {
      var start = modules[el.getAttribute("data-module")];
      if (start) { start(el); }
    });
  });
}());
