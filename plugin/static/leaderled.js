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

  /* A large file: show the upload's progress, then that the server is
     checking it, and put the answer's main part in place of this one. */
  function uploadProgress(form) {
    var bar = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    if (!bar || !window.FormData || !window.DOMParser) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      bar.hidden = false;
      bar.value = 0;
      status.textContent = status.getAttribute("data-uploading");
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = e.loaded / e.total; }
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  /* indeterminate: the server checks every row */
        status.textContent = status.getAttribute("data-checking");
      });
      request.addEventListener("load", function () {
        var answer = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = document.querySelector("main");
        var fresh = answer.querySelector("main");
        if (!main || !fresh) { form.submit(); return; }
        main.innerHTML = fresh.innerHTML;
        document.title = answer.title;
        start(main);
      });
      request.addEventListener("error", function () { form.submit(); });
      request.open("POST", form.action || window.location.href);
      request.send(new FormData(form));
    });
  }

  var modules = {
    "error-summary": errorSummary,
    "people-picker": peoplePicker,
    "upload-progress": uploadProgress
  };

  function start(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-module]"), function (el) {
      var begin = modules[el.getAttribute("data-module")];
      if (begin) { begin(el); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
}());
