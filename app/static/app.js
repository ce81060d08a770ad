// Shows a message when an htmx request fails, since htmx swaps nothing on
// 4xx/5xx (except 422 forms) and the click would otherwise seem ignored.
(function () {
  "use strict";

  function showError(text) {
    var area = document.getElementById("messages");
    if (!area) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    area.replaceChildren(p);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var messages = document.body.dataset;
    if (status === 404) {
      showError(messages.errorNotFound);
    } else if (status === 403 || status === 400) {
      showError(messages.errorRefused);
    } else {
      showError(messages.errorServer);
    }
  });

  document.addEventListener("htmx:sendError", function () {
    showError(document.body.dataset.errorNetwork);
  });
})();
