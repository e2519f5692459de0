/**
 * The kernel worker may reach this site only. A page's Content-Security-Policy (a meta tag)
 * does not cover a worker, and the reader may run code of their own in it (the code panel), so
 * the worker closes its own doors before any call: fetch and XMLHttpRequest answer only
 * same-origin URLs, and WebSocket and EventSource are gone. Each replacement is fixed in place
 * (not writable, not configurable) on every object that held the original, so Python's `js`
 * module finds no way back to it.
 *
 * The worker calls it once Python has started, before the first kernel call.
 *
 * Example: after `guardNetwork(self)`, `fetch("https://example.com/")` rejects with
 * "TypeError: this worker fetches only from http://127.0.0.1:8000, not https://example.com".
 */

/** Whether `url` (relative to `base`) is on `base`'s origin. Example: `sameOrigin("/a", "http://x/b")` → true */
export function sameOrigin(url, base) {
  try {
    return new URL(url, base).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** Fix `value` as `name` on `target` and on every prototype above it that has its own `name`. */
function pin(target, name, value) {
  for (let holder = target; holder; holder = Object.getPrototypeOf(holder)) {
    if (holder === target || Object.prototype.hasOwnProperty.call(holder, name)) {
      Object.defineProperty(holder, name, { value, writable: false, configurable: false });
    }
  }
}

/** @param {WorkerGlobalScope} scope the worker's global (self) */
export function guardNetwork(scope) {
  const base = scope.location.href;
  const refusal = (url) => new TypeError(
    `this worker fetches only from ${new URL(base).origin}, not ${(() => { try { return new URL(url, base).origin; } catch { return String(url); } })()}`);
  const realFetch = scope.fetch.bind(scope);
  const fetch = (input, init) => {
    const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    return sameOrigin(url, base) ? realFetch(input, init) : Promise.reject(refusal(url));
  };
  pin(scope, "fetch", fetch);
  if (scope.XMLHttpRequest) {
    const realOpen = scope.XMLHttpRequest.prototype.open;
    pin(scope.XMLHttpRequest.prototype, "open", function open(method, url, ...rest) {
      if (!sameOrigin(url, base)) throw refusal(url);
      return realOpen.call(this, method, url, ...rest);
    });
  }
  for (const name of ["WebSocket", "EventSource"]) {
    if (name in scope) pin(scope, name, undefined);
  }
}
