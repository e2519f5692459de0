/**
 * Where the snapshot's files come from: the site (first visit, or the build's own check) or the
 * browser's Cache Storage, where a first visit keeps them for the next page (https and
 * localhost only).
 *
 * The two big files are read in a worker of their own (snapshot-reader.js) and handed over
 * without a copy. Read in the kernel worker itself, they arrived only as fast as that thread
 * was free to take them, and it is busy starting Pyodide meanwhile (measured: the restore was
 * ready about 100 ms later).
 *
 * Example: `readElsewhere([snapshotUrl], true)[snapshotUrl]` resolves with its ArrayBuffer.
 */

/** The Cache Storage that keeps the snapshot between pages. */
export const SNAPSHOT_CACHE = "hlw-snapshot";

/** `fetch`, with an HTTP error status turned into an Error naming the URL. */
export async function fetchOk(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/**
 * A snapshot file: from Cache Storage only, with `cachedOnly` (a miss is an Error), else from
 * the network.
 * @param {string | URL} url
 * @param {boolean} cachedOnly
 * @returns {Promise<Response>}
 */
export async function snapshotFile(url, cachedOnly) {
  if (cachedOnly) {
    if (!self.caches) throw new Error("no Cache Storage here (the site is not served over https)");
    const hit = await (await caches.open(SNAPSHOT_CACHE)).match(url);
    if (!hit) throw new Error("not in the browser's cache yet");
    return hit;
  }
  return fetchOk(url);
}

/**
 * The bytes of each of `urls`, read by snapshot-reader.js in a thread of its own. A file that
 * cannot be read rejects with the reason; so does each, if the reader cannot start (the boot
 * then falls back to the compiled files).
 * @param {string[]} urls absolute URLs
 * @param {boolean} cachedOnly
 * @returns {Record<string, Promise<ArrayBuffer>>}
 */
export function readElsewhere(urls, cachedOnly) {
  const pending = {};
  const files = Object.fromEntries(urls.map((url) => [url, new Promise((resolve, reject) => {
    pending[url] = { resolve, reject };
  })]));
  const reader = new Worker(new URL("./snapshot-reader.js", import.meta.url), { type: "module" });
  reader.onmessage = ({ data }) => {
    if (data.error === undefined) pending[data.url].resolve(data.buffer);
    else pending[data.url].reject(new Error(data.error));
  };
  reader.onerror = () => {
    for (const url of urls) pending[url].reject(new Error("the snapshot's reader did not start"));
  };
  reader.postMessage({ urls, cachedOnly });
  Promise.allSettled(Object.values(files)).then(() => reader.terminate());
  return files;
}

/**
 * Where a browser keeps the reason it could not use a snapshot: beside the snapshot's metadata
 * in Cache Storage (a new build's snapshot has another address, so it is tried afresh).
 * @param {string | URL} metaUrl the snapshot's metadata
 * @returns {string}
 */
function refusalKey(metaUrl) {
  return `${metaUrl}?unusable-in-this-browser`;
}

/**
 * Why this browser refused the snapshot at `metaUrl` on an earlier page, or null.
 * @param {string | URL} metaUrl
 * @returns {Promise<string | null>}
 */
export async function earlierRefusal(metaUrl) {
  if (!self.caches) return null;
  const hit = await (await caches.open(SNAPSHOT_CACHE)).match(refusalKey(metaUrl));
  return hit ? hit.text() : null;
}

/**
 * Remember that this browser cannot use the snapshot at `metaUrl` (its engine lays out memory
 * otherwise: WebKit's function table is longer than Chromium's), and drop the cached files:
 * without this a browser kept 35 MB it could never restore, read them on every page, and
 * fetched them again after every boot.
 * @param {string | URL} metaUrl
 * @param {string} reason what the restore said
 */
export async function rememberRefusal(metaUrl, reason) {
  if (!self.caches) return;
  const cache = await caches.open(SNAPSHOT_CACHE);
  for (const request of await cache.keys()) await cache.delete(request);
  await cache.put(refusalKey(metaUrl), new Response(reason));
}
