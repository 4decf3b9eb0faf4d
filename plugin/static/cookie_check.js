/* The launch page asks whether this browser sends Leaderled's cookie back
   inside the course page; if not, it shows "Open Leaderled in a new window". */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-check-url");
  function result(kept) {
    var home = document.querySelector(".lti-home");
    var offer = document.getElementById("new-window");
    if (home) { home.dataset.cookieCheck = kept ? "kept" : "lost"; }
    if (offer) { offer.hidden = kept; }
  }
  if (!url) { return; }
  fetch(url, { credentials: "include" })
    .then(function (r) { result(r.ok); })
    .catch(function () { result(false); });
}());
