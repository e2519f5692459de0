/**
 * What the cross-engine tests' server puts first into every page (after its CSP, which it must
 * pass like any script of ours): a record, in `window.hlwProbe`, of what a reader's console would
 * show and of any request to another host. WebKitWebDriver has no console events, so the tests
 * read this in every engine.
 *
 * Example: `window.hlwProbe.errors` -> [] on a page that loaded cleanly
 */
(() => {
  const probe = { errors: [], foreign: [] };
  window.hlwProbe = probe;
  const note = (text) => probe.errors.push(String(text).slice(0, 400));
  addEventListener("error", (event) => {
    if (event.target !== window && event.target) {
      note(`failed to load ${event.target.src || event.target.href}`);
    } else note(`${event.message} (${event.filename}:${event.lineno})`);
  }, true);
  addEventListener("unhandledrejection", (event) => {
    note(`unhandled rejection: ${event.reason && event.reason.message || event.reason}`);
  });
  addEventListener("securitypolicyviolation", (event) => {
    note(`the page's policy refused ${event.blockedURI} (${event.violatedDirective})`);
  });
  const error = console.error.bind(console);
  console.error = (...args) => { note(args.join(" ")); error(...args); };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (/^https?:/.test(entry.name) && !entry.name.startsWith(location.origin)) {
        probe.foreign.push(entry.name);
      }
    }
  }).observe({ type: "resource", buffered: true });
})();
