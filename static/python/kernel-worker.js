/**
 * The kernel worker: boots Pyodide from this site with NumPy and pyodide_kernels, then answers
 * CALL messages through pyodide_kernels.dispatch.call_json — the same function the build and the
 * command line use.
 *
 * Boots, fastest first, each falling back to the next when it fails or is refused:
 * 1. "snapshot": the build's memory snapshot (NumPy and every kernel already imported);
 * 2. "compiled": the byte-compiled stdlib and wheels (no compiling Python in the browser);
 * 3. "plain": Pyodide's own files.
 * The build also asks a worker for the snapshot itself (MAKE_SNAPSHOT), so the same code makes
 * and restores it.
 */
import { DATA_ROOT, MESSAGE } from "./messages.js";
import { guardNetwork } from "./network-guard.js";
import {
  earlierRefusal, fetchOk, readElsewhere, rememberRefusal, SNAPSHOT_CACHE, snapshotFile,
} from "./snapshot-files.js";
import {
  answerOnceWithoutFetching, bundleFiles, checkSize, checkSnapshotMagic, prepareBoot, release,
  RESEED, sameLayout, unpackSnapshot, WARM_IMPORTS,
} from "./snapshot.js";

/** Milliseconds a snapshot boot may take before the worker gives up on it and boots the usual way. */
const SNAPSHOT_TIMEOUT_MS = 20000;

let booted = null;
const loadedData = new Set();

/** Post a progress line for the page to show. */
function progress(stage, text) {
  self.postMessage({ type: MESSAGE.PROGRESS, stage, text });
}

/**
 * Where Python's files come from: the byte-compiled stdlib and NumPy when the build made them
 * (no compiling in the browser), else the plain ones.
 */
function runtimeFiles(indexURL, compiled) {
  return compiled
    ? { indexURL, stdLibURL: `${indexURL}python_stdlib.pyc.zip`, lockFileURL: `${indexURL}pyodide-lock.pyc.json` }
    : { indexURL };
}

function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The interpreter's ready state: set the data root, check a kernel answers, keep call_json.
 * `stages` holds the milliseconds since `started` at which each stage of the boot ended.
 */
function finish(pyodide, kind, started, dataRoot, stages) {
  pyodide.runPython(`import os; os.environ["HLW_DATA_ROOT"] = ${JSON.stringify(dataRoot)}`);
  const dispatch = pyodide.pyimport("pyodide_kernels.dispatch");
  const check = JSON.parse(dispatch.call_json("softmax", JSON.stringify({ logits: [0, 0] })));
  if (!check.result || Math.abs(check.result.probs[0] - 0.5) > 1e-12) {
    throw new Error(`the ${kind} runtime answered a check wrongly: ${JSON.stringify(check)}`);
  }
  const ms = performance.now() - started;
  return { pyodide, callJson: dispatch.call_json, ms, kind, stages: { ...stages, ready: ms } };
}

/**
 * Restore the build's snapshot. Refused (an Error) when its Pyodide version, build or memory
 * layout differ from this browser's, or any file is missing; nothing is half-restored.
 *
 * Everything runs at once, and the boot waits only for what it needs next: Pyodide's script
 * and WebAssembly (compiled here: loadPyodide would compile it only after reading the whole
 * snapshot), the files bundle (before the C runtime starts) and the snapshot's bytes (for the
 * restore), which a worker of their own reads meanwhile (snapshot-files.js).
 */
async function bootFromSnapshot(loadPyodide, version, message) {
  const started = performance.now();
  const indexURL = message.pyodide;
  const metaUrl = new URL(message.snapshot, self.location.href);
  const refused = await earlierRefusal(metaUrl);
  if (refused) throw new Error(`refused on an earlier page: ${refused}`);
  const meta = await (await snapshotFile(metaUrl, message.snapshotCachedOnly)).json();
  if (meta.pyodide !== version) {
    throw new Error(`the snapshot was made for Pyodide ${meta.pyodide}, this is ${version}`);
  }
  progress("runtime", "Loading the Python runtime…");
  const stages = {};
  const mark = (stage) => (value) => { stages[stage] = performance.now() - started; return value; };
  const wasmUrl = String(new URL(`${indexURL}pyodide.asm.wasm`, self.location.href));
  const wasm = { url: wasmUrl, module: WebAssembly.compileStreaming(fetchOk(wasmUrl)).then(mark("compiled")) };
  const [filesUrl, snapshotUrl] = [meta.files, meta.snapshot].map((name) => String(new URL(name, metaUrl)));
  const reads = readElsewhere([filesUrl, snapshotUrl], message.snapshotCachedOnly);
  const read = (url, size, what) => reads[url].then((buffer) => checkSize(buffer, size, what));
  const contents = read(filesUrl, meta.filesBytes, "the snapshot's file bundle").then((bundle) => {
    mark("filesRead")();
    return { files: bundleFiles(meta.index, bundle), libraries: meta.libraries };
  });
  const snapshotRead = read(snapshotUrl, meta.storedBytes, "the snapshot").then((stored) => {
    mark("snapshotRead")();
    const snapshot = unpackSnapshot(new Uint8Array(stored), meta.runs, meta.bytes);
    release(stored);
    checkSnapshotMagic(snapshot);
    return snapshot;
  });
  for (const promise of [wasm.module, contents, snapshotRead]) promise.catch(() => {}); // reported below
  await import(`${indexURL}pyodide.asm.js`);
  mark("scriptLoaded")();
  const original = globalThis._createPyodideModule;
  const stopAnswering = answerOnceWithoutFetching(wasmUrl); // loadPyodide's own request
  let layout = Promise.resolve(null);
  try {
    layout = prepareBoot(contents, meta.layout, wasm, snapshotRead).then(mark("preloaded"));
    const sized = new Uint8Array(meta.bytes); // a stand-in: prepareBoot restores snapshotRead's
    const pyodide = await loadPyodide({ ...runtimeFiles(indexURL, true), _loadSnapshot: sized });
    pyodide._api.config._loadSnapshot = null; // Pyodide keeps its options
    mark("restored")();
    pyodide.runPython(RESEED);
    return finish(pyodide, "snapshot", started, message.dataRoot, stages);
  } catch (error) {
    const found = await Promise.race([layout, null]); // null: failed before the preloading
    if (found && !sameLayout(found, meta.layout)) {
      // the engine's, not the file's: every later page would be refused the same way
      await rememberRefusal(metaUrl, `this browser lays out memory otherwise (function table ${found.table} vs ${meta.layout.table})`);
    }
    throw error;
  } finally {
    globalThis._createPyodideModule = original;
    stopAnswering();
  }
}

/**
 * Keep the snapshot's three files in Cache Storage for the next page, dropping older ones.
 * Returns false where there is no Cache Storage, the reader asked to save data, or a file could
 * not be fetched.
 */
async function cacheSnapshot(metaUrl) {
  if (!self.caches || self.navigator.connection?.saveData) return false;
  if (await earlierRefusal(metaUrl)) return false; // this browser cannot use it
  const response = await fetch(metaUrl, { priority: "low" });
  if (!response.ok) return false;
  const meta = await response.clone().json();
  const cache = await caches.open(SNAPSHOT_CACHE);
  const keep = [metaUrl, new URL(meta.snapshot, metaUrl), new URL(meta.files, metaUrl)].map(String);
  for (const request of await cache.keys()) {
    if (!keep.includes(request.url)) await cache.delete(request);
  }
  for (const url of keep.slice(1)) {
    const file = await fetch(url, { priority: "low" });
    if (!file.ok) return false;
    await cache.put(url, file);
  }
  await cache.put(String(metaUrl), response); // last: a cached metadata means all files are there
  return true;
}

/** Boot from files: load the kernels package (which brings NumPy) with Pyodide's loader. */
async function bootFromFiles(loadPyodide, message, compiled) {
  const started = performance.now();
  progress("runtime", "Loading the Python runtime…");
  const pyodide = await loadPyodide(runtimeFiles(message.pyodide, compiled));
  const stages = { python: performance.now() - started };
  progress("packages", "Loading NumPy and the kernels…");
  await pyodide.loadPackage(message.package, { messageCallback: () => {}, errorCallback: () => {} });
  stages.packages = performance.now() - started;
  return finish(pyodide, compiled ? "compiled" : "plain", started, message.dataRoot, stages);
}

/**
 * Start Python once; every CALL awaits the same promise. Each boot that fails is recorded in
 * `fallbacks` and the next is tried (a failure to load pyodide.mjs itself is final).
 *
 * The snapshot and its files weigh about 11 MB gzipped, the compiled NumPy and kernels 3 MB: a
 * first visit (nothing cached) boots from the compiled files, keeping the first interactive
 * page under 10 MB, and then caches the snapshot for the next page
 * (`snapshotCachedOnly`, the site's default; see docs/hosting.md).
 */
async function boot(message) {
  const { loadPyodide, version } = await import(`${message.pyodide}pyodide.mjs`);
  const attempts = [
    message.snapshot && ["snapshot", () => withTimeout(
      bootFromSnapshot(loadPyodide, version, message), SNAPSHOT_TIMEOUT_MS, "restoring the snapshot")],
    message.compiled && ["compiled", () => bootFromFiles(loadPyodide, message, true)],
    ["plain", () => bootFromFiles(loadPyodide, message, false)],
  ].filter(Boolean);
  const fallbacks = [];
  for (const [index, [kind, attempt]] of attempts.entries()) {
    try {
      const result = await attempt();
      return { ...result, fallbacks };
    } catch (error) {
      fallbacks.push(`${kind}: ${String(error && error.message || error)}`);
      if (index === attempts.length - 1) throw error;
      progress("runtime", kind === "snapshot" ? "Starting Python the usual way…" : "Retrying with the plain Python files…");
    }
  }
}

/**
 * Make the snapshot the build serves (asked for by sitebuild/runtime/snapshot.py in headless Chromium):
 * the same preloading as a restore, then NumPy and every kernel module imported.
 */
async function makeSnapshot({ pyodide: indexURL, files, index, libraries }) {
  const { loadPyodide, version } = await import(`${indexURL}pyodide.mjs`);
  const [bundle] = await Promise.all([
    fetchOk(files).then((response) => response.arrayBuffer()), import(`${indexURL}pyodide.asm.js`),
  ]);
  const layout = prepareBoot(Promise.resolve({ files: bundleFiles(index, bundle), libraries }));
  const pyodide = await loadPyodide({ ...runtimeFiles(indexURL, true), _makeSnapshot: true });
  pyodide.runPython(WARM_IMPORTS); // (the data root is set after each restore, in finish)
  // makeMemorySnapshot insists on an empty record of loaded packages (importing from
  // site-packages fills it); nothing reads it after a restore, which never calls loadPackage.
  for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
  const bytes = pyodide.makeMemorySnapshot();
  return { bytes, layout: await layout, pyodide: version, userAgent: navigator.userAgent };
}

/** Fetch the data files a kernel reads into Pyodide's file system, once each. */
async function ensureData(pyodide, dataBase, dataRoot, files) {
  for (const relative of files) {
    if (loadedData.has(relative)) continue;
    const bytes = new Uint8Array(await (await fetchOk(`${dataBase}${relative}`)).arrayBuffer());
    const path = `${dataRoot}/${relative}`;
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    pyodide.FS.writeFile(path, bytes);
    loadedData.add(relative);
  }
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === MESSAGE.BOOT) {
    booted = boot(message);
    try {
      const { ms, kind, fallbacks, stages } = await booted;
      // subtle: after the boot, which answers one of Pyodide's own requests by swapping fetch
      // for a moment (snapshot.js), and before any call, which may run the reader's own code
      guardNetwork(self);
      self.postMessage({ type: MESSAGE.READY, ms, kind, fallbacks, stages });
      if (message.snapshot && message.snapshotCachedOnly && kind !== "snapshot") {
        const cached = await cacheSnapshot(new URL(message.snapshot, self.location.href)).catch(() => false);
        self.postMessage({ type: MESSAGE.SNAPSHOT_CACHED, cached });
      }
    } catch (error) {
      self.postMessage({ type: MESSAGE.BOOT_ERROR, message: String(error && error.message || error) });
    }
    return;
  }
  if (message.type === MESSAGE.MAKE_SNAPSHOT) {
    try {
      const made = await makeSnapshot(message);
      self.postMessage({ type: MESSAGE.SNAPSHOT, ...made }, [made.bytes.buffer]);
    } catch (error) {
      self.postMessage({ type: MESSAGE.BOOT_ERROR, message: String(error && error.stack || error) });
    }
    return;
  }
  if (message.type === MESSAGE.CALL) {
    const { id, kernel, args, data = [], dataBase = "", dataRoot = DATA_ROOT } = message;
    try {
      const { pyodide, callJson } = await booted;
      await ensureData(pyodide, dataBase, dataRoot, data);
      const started = performance.now();
      const answer = JSON.parse(callJson(kernel, JSON.stringify(args)));
      const ms = performance.now() - started;
      if ("error" in answer) self.postMessage({ type: MESSAGE.ERROR, id, error: answer.error });
      else self.postMessage({ type: MESSAGE.RESULT, id, result: answer.result, ms });
    } catch (error) {
      self.postMessage({
        type: MESSAGE.ERROR, id,
        error: { type: "RuntimeError", message: String(error && error.message || error) },
      });
    }
  }
};
