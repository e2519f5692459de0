// A probe, not part of the build: does a Pyodide 0.27.7 memory snapshot of the booted runtime,
// with NumPy and pyodide_kernels imported, restore and compute? Run under Node (V8), against a
// built site's byte-compiled runtime:
//   node tools/snapshot_probe.mjs make    SITE/pyodide/ OUT_DIR   # writes OUT_DIR/snapshot.bin
//   node tools/snapshot_probe.mjs restore SITE/pyodide/ OUT_DIR   # restore, check, time
//   node tools/snapshot_probe.mjs boot    SITE/pyodide/ OUT_DIR   # the usual boot, timed
// How (private APIs, read from pyodide 0.27.7's pyodide.mjs / pyodide.asm.js):
// - loadPyodide({_makeSnapshot: true}) then pyodide.makeMemorySnapshot(): a header (magic,
//   BUILD_ID of the wasm, hiwire state as JSON) followed by the whole wasm heap.
// - loadPyodide({_loadSnapshot: bytes}) sets noInitialRun and INITIAL_MEMORY, then
//   API.restoreSnapshot copies the heap back and finalizeBootstrap re-links the JS side.
// - Only the heap is kept: NumPy's .so side modules must be loaded again, at the same memory and
//   table addresses. Loading them in preRun (before the C runtime starts) makes Emscripten place
//   them by bumping __heap_base, the same way every time; Pyodide's own loadPackage later finds
//   them loaded (LDSO.loadedLibsByName) and does not load them twice. The probe wraps
//   globalThis._createPyodideModule to add that preRun step (the idea of Cloudflare workerd's
//   preloadDynamicLibs).
// - makeMemorySnapshot refuses a non-empty pyodide.loadedPackages (hiwire index 6 must be {}),
//   so the probe empties it first; after a restore, loadPackage must not be called again.
// - Python's random module comes back in the snapshot's state: reseed after restore.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";

const [mode, indexURL, outDir] = process.argv.slice(2);
const SITE = "/lib/python3.12/site-packages/";
const opts = {
  indexURL,
  stdLibURL: `${indexURL}python_stdlib.pyc.zip`,
  lockFileURL: `${indexURL}pyodide-lock.pyc.json`,
};

function soFiles() {
  const lock = JSON.parse(readFileSync(`${indexURL}pyodide-lock.pyc.json`, "utf8"));
  const wheel = `${indexURL}${lock.packages.numpy.file_name}`;
  const dir = `${outDir}/so`;
  mkdirSync(dir, { recursive: true });
  execFileSync("unzip", ["-q", "-o", wheel, "*.so", "-d", dir]);
  const found = [];
  const walk = (rel) => {
    for (const entry of readdirSync(`${dir}/${rel}`, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith(".so")) found.push(path);
    }
  };
  walk("");
  return found.sort().map((rel) => [SITE + rel, readFileSync(`${dir}/${rel}`)]);
}

async function preloadSideModules() {
  const libraries = soFiles();
  await import(`${indexURL}pyodide.asm.js`);
  const create = globalThis._createPyodideModule;
  globalThis._createPyodideModule = (settings) => {
    settings.preRun = [...(settings.preRun || []), (Module) => {
      for (const [path, bytes] of libraries) {
        Module.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
        Module.FS.writeFile(path, bytes);
        Module.loadDynamicLibrary(path, {
          loadAsync: false, global: false, nodelete: true, allowUndefined: true, fs: Module.FS,
        });
      }
      globalThis.probeLayout = { table: Module.wasmTable.length, heapBase: Module.___heap_base };
    }];
    return create(settings);
  };
}

const CHECK = `
import json, random, sys, numpy as np
from pyodide_kernels import dispatch
a = np.array([[3.0, 1.0], [1.0, 2.0]])
assert np.allclose(np.linalg.solve(a, [9.0, 8.0]), [2.0, 3.0])
assert np.allclose(np.fft.rfft([1.0, 0, 0, 0]).real, [1, 1, 1])
probs = json.loads(dispatch.call_json("softmax", json.dumps({"logits": [2, 1, 0.1]})))
print("softmax", probs["result"]["probs"][0], "random before reseed", random.random())
random.seed()
`;

const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const started = performance.now();
if (mode === "make") {
  await preloadSideModules();
  const pyodide = await loadPyodide({ ...opts, _makeSnapshot: true });
  await pyodide.loadPackage("pyodide-kernels", { messageCallback: () => {} });
  pyodide.runPython(`
import importlib, numpy, numpy.linalg, numpy.fft, numpy.random
from pyodide_kernels import dispatch
for name in dispatch.MODULES:
    importlib.import_module(f"pyodide_kernels.{name}")
`);
  for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
  const snapshot = pyodide.makeMemorySnapshot();
  writeFileSync(`${outDir}/snapshot.bin`, snapshot);
  console.log(JSON.stringify({ mode, bytes: snapshot.length, layout: globalThis.probeLayout }));
} else if (mode === "restore") {
  await preloadSideModules();
  const bytes = new Uint8Array(readFileSync(`${outDir}/snapshot.bin`));
  const pyodide = await loadPyodide({ ...opts, _loadSnapshot: bytes });
  pyodide.runPython(CHECK);
  console.log(JSON.stringify({ mode, first_result_ms: performance.now() - started,
    layout: globalThis.probeLayout }));
} else {
  const pyodide = await loadPyodide(opts);
  await pyodide.loadPackage("pyodide-kernels", { messageCallback: () => {} });
  pyodide.runPython(CHECK);
  console.log(JSON.stringify({ mode, first_result_ms: performance.now() - started }));
}
