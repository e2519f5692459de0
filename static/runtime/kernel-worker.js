/**
 * The kernel worker: boots Pyodide from this site, loads NumPy and pyodide_kernels with one
 * loadPackage, then answers CALL messages through pyodide_kernels.dispatch.call_json — the same
 * function the build and the command line use.
 */
import { MESSAGE } from "./messages.js";

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

/**
 * Start Python once; every CALL awaits the same promise. When the byte-compiled files fail,
 * boot again from the plain ones (a failure to load pyodide.mjs itself is final).
 */
async function boot(message) {
  const { loadPyodide } = await import(`${message.pyodide}pyodide.mjs`);
  try {
    return await bootWith(loadPyodide, message, message.compiled);
  } catch (error) {
    if (!message.compiled) throw error;
    progress("runtime", "Retrying with the plain Python files…");
    return bootWith(loadPyodide, message, false);
  }
}

async function bootWith(loadPyodide, { pyodide: indexURL, package: packageName, dataRoot }, compiled) {
  const started = performance.now();
  progress("runtime", "Loading the Python runtime…");
  const pyodide = await loadPyodide(runtimeFiles(indexURL, compiled));
  progress("packages", "Loading NumPy and the kernels…");
  await pyodide.loadPackage(packageName, { messageCallback: () => {}, errorCallback: () => {} });
  pyodide.runPython(`import os; os.environ["HLW_DATA_ROOT"] = ${JSON.stringify(dataRoot)}`);
  const dispatch = pyodide.pyimport("pyodide_kernels.dispatch");
  return { pyodide, callJson: dispatch.call_json, ms: performance.now() - started, compiled };
}

/** Fetch the data files a kernel reads into Pyodide's file system, once each. */
async function ensureData(pyodide, dataBase, dataRoot, files) {
  for (const relative of files) {
    if (loadedData.has(relative)) continue;
    const response = await fetch(`${dataBase}${relative}`);
    if (!response.ok) throw new Error(`data file ${relative}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
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
      const { ms, compiled } = await booted;
      self.postMessage({ type: MESSAGE.READY, ms, compiled });
    } catch (error) {
      self.postMessage({ type: MESSAGE.BOOT_ERROR, message: String(error && error.message || error) });
    }
    return;
  }
  if (message.type === MESSAGE.CALL) {
    const { id, kernel, args, data = [], dataBase = "", dataRoot = "/home/pyodide" } = message;
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
