// Progressive enhancement of the need form: the intake assistant's panel updates in place while the
// need is written (the "Check my need" button does the same with a full page without JavaScript).
(function () {
  "use strict";
  var panel = document.getElementById("intake");
  var form = panel && document.querySelector(".form-page form");
  if (!panel || !form || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var last = "";

  function refresh() {
    var data = new FormData(form);
    data.delete("post_anyway");
    var key = ["title", "description", "industry", "budget_min", "budget_max", "deadline"]
      .map(function (name) { return data.get(name) || ""; }).join("\u0001");
    if (key === last) { return; }
    last = key;
    panel.setAttribute("aria-busy", "true");
    fetch(panel.getAttribute("data-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) { panel.innerHTML = html; })
      .catch(function () { /* the button still works */ })
      .then(function () { panel.removeAttribute("aria-busy"); });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 900);
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
})();
