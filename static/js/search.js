// Progressive enhancement of the search page: facet, sort and page links load the results in place
// (the same URL, so every link still works without JavaScript and stays shareable).
(function () {
  "use strict";
  var box = document.querySelector("[data-search-results]");
  if (!box || !window.fetch || !window.history) { return; }

  function load(url, push) {
    box.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "chainmatch-search" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("aria-busy");
        if (push) { history.pushState({ search: true }, "", url); }
        var heading = box.querySelector(".result-count");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function () { window.location.href = url; });
  }

  box.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-facet]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    load(link.href, true);
  });
  window.addEventListener("popstate", function () { load(window.location.href, false); });
})();
