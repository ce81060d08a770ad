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

  // The server's error fragment (partials/common/error.html) explains what
  // went wrong, e.g. an expired session. It is parsed as inert HTML, never run.
  function serverMessage(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") !== 0 || !xhr.responseText) { return null; }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var flash = doc.querySelector(".flash");
    return flash ? flash.textContent.trim() : null;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var messages = document.body.dataset;
    var text = serverMessage(xhr);
    if (text) {
      showError(text);
    } else if (xhr.status === 404) {
      showError(messages.errorNotFound);
    } else if (xhr.status === 403 || xhr.status === 400) {
      showError(messages.errorRefused);
    } else {
      showError(messages.errorServer);
    }
  });

  document.addEventListener("htmx:sendError", function () {
    showError(document.body.dataset.errorNetwork);
  });
})();
