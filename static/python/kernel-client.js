/**
 * The page's side of the kernel worker: start it once, call kernels by name, time out instead
 * of hanging, and report what is happening as "status" events.
 *
 * States: idle → starting → ready, or → failed (with a message and retry()).
 */
import { DATA_ROOT, MESSAGE } from "./messages.js";

/** Plain-words explanations for the ways starting Python can fail. */
function explainBootFailure(text) {
  if (/Failed to fetch|NetworkError|HTTP 404|Importing a module script failed|dynamically imported module/i.test(text)) {
    return "the Python runtime files could not be downloaded from this site";
  }
  if (/WebAssembly|wasm|Content Security Policy|CompileError/i.test(text)) {
    return "your browser refused to run the Python runtime (WebAssembly)";
  }
  return text;
}

export class KernelClient extends EventTarget {
  /**
   * @param {object} config the page's hlw-config JSON (pyodide, kernelsPackage, data, timeouts)
   * @param {string} workerUrl URL of kernel-worker.js
   */
  constructor(config, workerUrl) {
    super();
    this.config = config;
    this.workerUrl = workerUrl;
    this.state = "idle";
    this.message = "";
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.ready = null;
    this.bootMs = null;
  }

  /** @private */
  setState(state, text) {
    this.state = state;
    this.message = text;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, text } }));
  }

  /**
   * Start the worker and Python, once. Resolves when kernels can be called.
   * @returns {Promise<void>}
   */
  start() {
    if (this.ready) return this.ready;
    this.startedAt = performance.now();
    this.setState("starting", "Starting Python in your browser…");
    this.ready = new Promise((resolve, reject) => {
      const fail = (reason) => {
        clearTimeout(timer);
        this.stopWorker();
        const text = `Python could not start: ${explainBootFailure(reason)}.`;
        this.setState("failed", text);
        reject(new Error(text));
      };
      const timer = setTimeout(
        () => fail(`no answer after ${Math.round(this.config.runtimeTimeoutMs / 1000)} s`),
        this.config.runtimeTimeoutMs);
      let worker;
      try {
        worker = new Worker(this.workerUrl, { type: "module", name: "hlw-kernels" });
      } catch (error) {
        fail(String(error.message || error));
        return;
      }
      this.worker = worker;
      worker.onerror = (event) => {
        event.preventDefault();
        fail(event.message || "the worker script failed to load (Importing a module script failed)");
      };
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === MESSAGE.PROGRESS) this.setState("starting", message.text);
        else if (message.type === MESSAGE.READY) {
          clearTimeout(timer);
          this.bootMs = message.ms;
          this.bootKind = message.kind;
          this.compiled = message.kind !== "plain";
          this.fallbacks = message.fallbacks;
          this.bootStages = message.stages;
          this.setState("ready", `Python is running in your browser (started in ${(message.ms / 1000).toFixed(1)} s).`);
          resolve();
        } else if (message.type === MESSAGE.SNAPSHOT_CACHED) {
          this.snapshotCached = message.cached;
          this.dispatchEvent(new CustomEvent("snapshot-cached", { detail: message }));
        } else if (message.type === MESSAGE.BOOT_ERROR) fail(message.message);
        else this.settle(message);
      };
      worker.postMessage({
        type: MESSAGE.BOOT, pyodide: this.config.pyodide, package: this.config.kernelsPackage,
        dataRoot: DATA_ROOT,
        compiled: Boolean(this.config.pyodideCompiled),
        snapshot: this.config.pyodideSnapshot || null,
        snapshotCachedOnly: this.config.pyodideSnapshotCachedOnly !== false,
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  /** @private Resolve or reject the call a RESULT/ERROR message answers. */
  settle(message) {
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.type === MESSAGE.RESULT) call.resolve(message.result);
    else call.reject(Object.assign(new Error(message.error.message), { kind: message.error.type }));
  }

  /** @private */
  stopWorker() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(new Error("the Python worker was stopped"));
    }
    this.pending.clear();
  }

  /**
   * Forget a failure and start again.
   * @returns {Promise<void>}
   */
  retry() {
    this.stopWorker();
    this.ready = null;
    return this.start();
  }

  /**
   * Call a kernel by name. Rejects with a readable Error (error.kind "ValueError" for bad input).
   * @param {string} kernel a name from `python -m pyodide_kernels --list`
   * @param {object} args keyword arguments, JSON-serialisable
   * @param {string[]} [data] data files the kernel reads (repo-relative paths)
   * @returns {Promise<any>} the kernel's JSON result
   */
  async call(kernel, args, data = []) {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // subtle: Python cannot be interrupted from here, so a stuck worker is replaced.
        this.stopWorker();
        this.ready = null;
        this.setState("failed", `The calculation "${kernel}" took longer than ${Math.round(this.config.callTimeoutMs / 1000)} s and was stopped.`);
        reject(new Error(`the calculation took too long and was stopped`));
      }, this.config.callTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ type: MESSAGE.CALL, id, kernel, args, data, dataBase: this.config.data });
    });
  }
}
