/* LTI client-side storage at launch (lti/storage_launch.html): read back the
 * binding stored at login, then post the launch again with it. */
(function () {
  "use strict";
  var form = document.getElementById("relaunch");
  var target = form.getAttribute("data-storage-target");
  var origin = form.getAttribute("data-platform-origin");
  var frame = target === "_parent" ? window.parent : (window.parent.frames[target] || window.parent);
  var id = "get-" + Math.random().toString(36).slice(2);
  var sent = false;
  function send(value) {
    if (sent) { return; }
    sent = true;
    document.getElementById("binding").value = value || "-";
    form.submit();
  }
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data && event.data.message_id === id) {
      send(event.data.value);
    }
  });
  frame.postMessage({subject: "lti.get_data", message_id: id,
                     key: form.getAttribute("data-key")}, origin);
  setTimeout(function () { send(""); }, 2000);
})();
