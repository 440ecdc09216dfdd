// Starts Swagger UI on the API reference page (kept in a file: the CSP allows no inline script).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({ url: node.dataset.specUrl, domNode: node, deepLinking: true });
}());
