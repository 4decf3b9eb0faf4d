/* Cookie check for pages shown inside the LMS's frame (lti/_new_window.html).
 *
 * The element with data-cookie-check names a URL that answers 200 when this
 * browser sent back the tool's cookie and 401 when not. Kept: go on to
 * data-continue (if any). Lost: show the "Open Leaderled in a new window"
 * block. The outcome is written to data-cookie-result for people and tests.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-cookie-check]");
  if (!root) { return; }
  var offer = document.getElementById("new-window");
  var form = document.getElementById("new-window-form");

  function done(kept) {
    root.setAttribute("data-cookie-result", kept ? "kept" : "lost");
    var next = root.getAttribute("data-continue");
    if (kept && next) {
      window.location.replace(next);
      return;
    }
    if (offer) { offer.hidden = kept; }
  }

  if (form) {
    form.addEventListener("submit", function () {
      var opened = document.getElementById("new-window-opened");
      if (opened) { opened.hidden = false; }
    });
  }
  fetch(root.getAttribute("data-cookie-check"), {credentials: "include", cache: "no-store"})
    .then(function (response) { done(response.ok); })
    .catch(function () { done(false); });
})();
