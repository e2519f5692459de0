/* The search page: mount Pagefind's UI (loaded just before this script) on #search. */
(function () {
  "use strict";
  var element = document.querySelector("[data-search]");
  if (!element || !window.PagefindUI) return;
  new window.PagefindUI({
    element: "#search",
    bundlePath: element.dataset.bundle,
    showSubResults: true,
    showImages: false,
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    var input = element.querySelector("input");
    if (input) {
      input.value = query;
      input.dispatchEvent(new Event("input"));
    }
  }
})();
