/* LTI Dynamic Registration 1.0: tell the platform we are done so it closes
 * the registration dialog (lti/registration_done.html). */
(function () {
  "use strict";
  function close() {
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) { target.postMessage({subject: "org.imsglobal.lti.close"}, "*"); }
  }
  document.getElementById("close").addEventListener("click", close);
  window.setTimeout(close, 5000);
})();
