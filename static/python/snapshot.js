/**
 * Python from a memory snapshot: the kernel worker's fastest boot (Pyodide 0.27.7's private
 * `_makeSnapshot` / `makeMemorySnapshot` / `_loadSnapshot`; pinned, and tested in
 * tests/browser/test_snapshot.py).
 *
 * A snapshot keeps only the WebAssembly heap: Python's objects with NumPy and every kernel module
 * already imported. Everything else is rebuilt the same way at make and at restore time:
 * - the files of the NumPy and kernels wheels are written from one bundle (`files.bin`, indexed
 *   by the snapshot's metadata) into site-packages, so later imports find them;
 * - NumPy's shared libraries (.so side modules) are loaded before the C runtime starts, in the
 *   same order, so Emscripten places them at the same memory and table addresses (the idea of
 *   Cloudflare workerd's preloaded dynamic libraries). Pyodide's own loadPackage is never used.
 * The layout this gives (function-table length, heap base) is recorded in the metadata at make
 * time and compared at restore time: a different engine or file makes a different layout, and
 * then the restore is refused before any memory is overwritten.
 *
 * Example (worker): `prepareBoot(contents, meta.layout, wasm, snapshotRead)`, then
 * `loadPyodide({..., _loadSnapshot: new Uint8Array(meta.bytes)})`.
 */

/**
 * The bundle's files as [path, bytes] pairs.
 * @param {[string, number, number][]} index [path, offset, size] rows from the metadata
 * @param {ArrayBuffer} buffer the bundle
 * @returns {[string, Uint8Array][]}
 */
export function bundleFiles(index, buffer) {
  return index.map(([path, offset, size]) => {
    if (offset + size > buffer.byteLength) throw new Error(`the snapshot's files are truncated at ${path}`);
    return [path, new Uint8Array(buffer, offset, size)];
  });
}

/**
 * Whether two memory layouts are one: a snapshot restores only into the layout it was made in.
 * @param {{table: number, heapBase: number}} a
 * @param {{table: number, heapBase: number}} b
 * @returns {boolean}
 */
export function sameLayout(a, b) {
  return a.table === b.table && a.heapBase === b.heapBase;
}

/**
 * A snapshot file's bytes, refused unless the metadata's size.
 * @param {ArrayBuffer} buffer
 * @param {number} expected the size the metadata gives
 * @param {string} what the file, for the error message
 * @returns {ArrayBuffer} `buffer`
 */
export function checkSize(buffer, expected, what) {
  if (buffer.byteLength !== expected) {
    throw new Error(`${what} is ${buffer.byteLength} bytes, its metadata says ${expected}`);
  }
  return buffer;
}

/**
 * The snapshot again from its stored form, which leaves out all-zero pages
 * (sitebuild/runtime/sparse.py): each stored run goes back to its offset in a zeroed buffer.
 * @param {Uint8Array} stored the runs, concatenated
 * @param {[number, number][]} runs [offset, size] of each, from the metadata
 * @param {number} size the whole snapshot's
 * @returns {Uint8Array}
 */
export function unpackSnapshot(stored, runs, size) {
  const snapshot = new Uint8Array(size);
  let at = 0;
  for (const [offset, length] of runs) {
    if (offset + length > size) throw new Error("the snapshot's runs reach past its size");
    snapshot.set(stored.subarray(at, at + length), offset);
    at += length;
  }
  if (at !== stored.length) throw new Error(`the snapshot's runs cover ${at} bytes, it has ${stored.length}`);
  return snapshot;
}

/**
 * Give a buffer's memory back now: detaching an ArrayBuffer frees its bytes at once, where
 * leaving it to the garbage collector kept about 60 MB of a restore's downloads alive in an
 * idle worker (measured). Every view of it reads as empty afterwards.
 * Example: `release(bytes.buffer)`, then `bytes.length` is 0.
 * @param {ArrayBuffer} buffer
 */
export function release(buffer) {
  if (buffer.byteLength && typeof buffer.transfer === "function") buffer.transfer(0);
}

/** The first four bytes of every Pyodide 0.27 memory snapshot ("pyodide" in its header). */
export const SNAPSHOT_MAGIC = 1886286592;

/**
 * Refuse bytes that are not a Pyodide memory snapshot.
 * @param {Uint8Array} snapshot
 */
export function checkSnapshotMagic(snapshot) {
  if (new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(0, true) !== SNAPSHOT_MAGIC) {
    throw new Error("the snapshot does not start with Pyodide's magic number");
  }
}

/**
 * Write the bundle's files into Pyodide's file system and load its shared libraries, in order.
 * Returns the layout that gave, and a problem (or null): an exception, or a layout that differs
 * from `expected`.
 */
function loadBundle(Module, files, libraries, expected) {
  let layout = null;
  try {
    for (const [path, bytes] of files) {
      Module.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      Module.FS.writeFile(path, bytes);
    }
    for (const path of libraries) {
      Module.loadDynamicLibrary(path, {
        loadAsync: false, global: false, nodelete: true, allowUndefined: true, fs: Module.FS,
      });
    }
    if (files.length) release(files[0][1].buffer); // the bundle: the file system holds copies
    layout = { table: Module.wasmTable.length, heapBase: Module.___heap_base };
  } catch (error) {
    return { layout, problem: `preloading NumPy failed: ${error && error.message || error}` };
  }
  if (expected && !sameLayout(layout, expected)) {
    const problem = `memory layout differs from the snapshot's (table ${layout.table} vs ${expected.table}, heap base ${layout.heapBase} vs ${expected.heapBase})`;
    return { layout, problem };
  }
  return { layout, problem: null };
}

/**
 * Make the next `_createPyodideModule` call (the one loadPyodide makes) write the bundle's files
 * and load its shared libraries before the C runtime starts, and hold the runtime there until
 * `snapshotRead` has the snapshot's bytes too: those are what Pyodide then restores (loadPyodide
 * itself is given an empty stand-in of the same size, which sizes the heap and is never
 * written, so it costs no memory). Resolves with the layout it produced.
 *
 * Pyodide starts at once: its script and WebAssembly run while the files are still being read
 * (`contents`, `snapshotRead`), and the run waits for them as an Emscripten run dependency.
 * `wasm`, when given, is Pyodide's own WebAssembly module, compiled meanwhile, and its URL: the
 * module is instantiated instead (`instantiateCompiled`).
 *
 * Any failure (a file that could not be read, an exception, a layout that differs from
 * `expected`) makes the snapshot restore that follows throw it, before any memory is
 * overwritten: loadPyodide then rejects with that message, and the worker falls back.
 * @param {Promise<{files: [string, Uint8Array][], libraries: string[]}>} contents the files, and
 *   the absolute paths of the .so files in load order
 * @param {{table: number, heapBase: number} | null} expected the layout the snapshot was made in
 * @param {{module: Promise<WebAssembly.Module>, url: string} | null} wasm pyodide.asm.wasm
 * @param {Promise<Uint8Array | undefined>} snapshotRead the snapshot's bytes (none when making one)
 * @returns {Promise<{table: number, heapBase: number} | null>}
 */
export function prepareBoot(contents, expected = null, wasm = null, snapshotRead = Promise.resolve()) {
  const create = globalThis._createPyodideModule;
  if (typeof create !== "function") throw new Error("pyodide.asm.js is not loaded");
  return new Promise((resolve) => {
    globalThis._createPyodideModule = (settings) => {
      globalThis._createPyodideModule = create; // one boot only; a fallback boot is plain
      const preload = (Module) => {
        Module.addRunDependency("hlw-snapshot-files");
        contents
          .then(({ files, libraries }) => loadBundle(Module, files, libraries, expected))
          .then(async (loaded) => ({ ...loaded, snapshot: await snapshotRead }))
          .catch((error) => ({ layout: null, problem: String(error && error.message || error) }))
          .then(({ layout, problem, snapshot }) => {
            const restore = Module.API.restoreSnapshot;
            // subtle: an exception thrown in preRun would leave loadPyodide pending forever;
            // failing the restore instead makes loadPyodide reject.
            if (problem) Module.API.restoreSnapshot = () => { throw new Error(problem); };
            else if (snapshot) {
              Module.API.restoreSnapshot = () => {
                Module.API.restoreSnapshot = restore;
                try {
                  return restore(snapshot);
                } finally {
                  release(snapshot.buffer); // copied into the heap
                }
              };
            }
            resolve(layout);
            Module.removeRunDependency("hlw-snapshot-files");
          });
      };
      settings.preRun = [...settings.preRun, preload];
      if (wasm) settings.instantiateWasm = instantiateCompiled(wasm.module, wasm.url);
      return create(settings);
    };
  });
}

/**
 * An Emscripten `instantiateWasm` hook that instantiates an already compiled module; if that
 * module failed to compile or instantiate, it fetches and compiles `url` itself.
 * @param {Promise<WebAssembly.Module>} compiled
 * @param {string} url pyodide.asm.wasm
 */
export function instantiateCompiled(compiled, url) {
  return (imports, receive) => {
    compiled
      .then((module) => WebAssembly.instantiate(module, imports).then((instance) => ({ instance, module })))
      .catch(() => WebAssembly.instantiateStreaming(fetch(url), imports))
      .then(({ instance, module }) => receive(instance, module));
    return {}; // Emscripten's signal that the exports arrive through `receive`
  };
}

/**
 * Answer the next request for `url` with an empty response, without fetching it: loadPyodide
 * asks for its WebAssembly before it starts, and when `instantiateCompiled` has the module
 * already, nothing reads that answer (without this, the browser reads the 10 MB file twice).
 * Later requests go out as usual. Returns a function that stops waiting for the request.
 * @param {string} url absolute
 * @returns {() => void}
 */
export function answerOnceWithoutFetching(url) {
  const original = self.fetch;
  const restore = () => { if (self.fetch === intercept) self.fetch = original; };
  const intercept = (input, init) => {
    const asked = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    if (asked.href !== url) return original(input, init);
    restore();
    return Promise.resolve(new Response(null, { status: 204 }));
  };
  self.fetch = intercept;
  return restore;
}

/** What makeSnapshot imports, so that no kernel call imports anything at run time. */
export const WARM_IMPORTS = `
import gc, os, random
import numpy, numpy.fft, numpy.linalg, numpy.random
from pyodide_kernels import dispatch
dispatch.kernel_table()  # imports every kernel module
gc.collect()
`;

/**
 * After a restore the interpreter holds the make-time random state: reseed Python's and NumPy's
 * global generators from the browser's entropy. (str hashing keeps the snapshot's seed: it is
 * fixed once the interpreter runs, as in every Pyodide snapshot.)
 */
export const RESEED = `
import random, numpy
random.seed()
numpy.random.seed()
`;
