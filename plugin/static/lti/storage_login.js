/* LTI client-side storage at login (lti/storage_login.html): keep this
 * login's binding in the platform's storage frame, in case the browser drops
 * the tool's cookie inside the iframe, then go on to the platform. */
(function () {
  "use strict";
  var page = document.getElementById("storage-login");
  var target = page.getAttribute("data-storage-target");
  var origin = page.getAttribute("data-platform-origin");
  var next = page.getAttribute("data-auth-url");
  var frame = target === "_parent" ? window.parent : (window.parent.frames[target] || window.parent);
  var id = "put-" + Math.random().toString(36).slice(2);
  var done = false;
  function go() { if (!done) { done = true; window.location.href = next; } }
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data && event.data.message_id === id) { go(); }
  });
  try {
    frame.postMessage({subject: "lti.put_data", message_id: id,
                       key: page.getAttribute("data-key"),
                       value: page.getAttribute("data-value")}, origin);
  } catch (e) { go(); }
  setTimeout(go, 2000);
})();
