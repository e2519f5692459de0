/*
 * Theme, applied before the first paint (a classic script in <head>, no module): the reader's
 * stored choice, else the system's. The header button toggles and remembers; charts read the
 * CSS variables, so they follow.
 */
(function () {
  "use strict";
  var KEY = "hlw-theme";
  var root = document.documentElement;
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  function stored() {
    try { return localStorage.getItem(KEY); } catch { return null; }
  }
  function apply() {
    root.dataset.theme = stored() || (system.matches ? "dark" : "light");
  }
  apply();
  system.addEventListener("change", apply);
  window.hlwToggleTheme = function () {
    var next = root.dataset.theme === "dark" ? "light" : "dark";
    try { localStorage.setItem(KEY, next); } catch { /* private mode: this page only */ }
    root.dataset.theme = next;
    return next;
  };
})();
