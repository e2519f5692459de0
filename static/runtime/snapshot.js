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
 * Example (worker): `prepareBoot(contents, meta.layout)`, then
 * `loadPyodide({..., _loadSnapshot: bytes})`.
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

/** The first four bytes of every Pyodide 0.27 memory snapshot ("pyodide" in its header). */
export const SNAPSHOT_MAGIC = 1886286592;

/**
 * Refuse a snapshot that is not the one the metadata describes (a truncated download would
 * otherwise make Pyodide's WebAssembly instantiation fail silently and never return).
 * @param {{bytes: number, filesBytes: number}} meta
 * @param {ArrayBuffer} snapshot
 * @param {ArrayBuffer} files
 */
export function checkSnapshotFiles(meta, snapshot, files) {
  if (snapshot.byteLength !== meta.bytes) {
    throw new Error(`the snapshot is ${snapshot.byteLength} bytes, its metadata says ${meta.bytes}`);
  }
  if (files.byteLength !== meta.filesBytes) {
    throw new Error(`the snapshot's files are ${files.byteLength} bytes, its metadata says ${meta.filesBytes}`);
  }
  if (new DataView(snapshot).getUint32(0, true) !== SNAPSHOT_MAGIC) {
    throw new Error("the snapshot does not start with Pyodide's magic number");
  }
}

/**
 * Make the next `_createPyodideModule` call (the one loadPyodide makes) write the bundle's files
 * and load its shared libraries before the C runtime starts. Resolves with the layout it
 * produced. When `expected` is given and the layout differs, the snapshot restore that follows
 * is made to fail with a clear message instead of restoring a heap whose pointers would be wrong.
 * `contents` may still be downloading: loadPyodide fetches its own files meanwhile.
 * @param {Promise<{files: [string, Uint8Array][], libraries: string[]}>} contents the files, and
 *   the absolute paths of the .so files in load order
 * @param {{table: number, heapBase: number} | null} expected the layout the snapshot was made in
 * @returns {Promise<{table: number, heapBase: number}>}
 */
export function prepareBoot(contents, expected = null) {
  const create = globalThis._createPyodideModule;
  if (typeof create !== "function") throw new Error("pyodide.asm.js is not loaded");
  return new Promise((resolve) => {
    globalThis._createPyodideModule = async (settings) => {
      globalThis._createPyodideModule = create; // one boot only; a fallback boot is plain
      const { files, libraries } = await contents;
      const preload = (Module) => {
        let problem = null;
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
          layout = { table: Module.wasmTable.length, heapBase: Module.___heap_base };
          if (expected && (layout.table !== expected.table || layout.heapBase !== expected.heapBase)) {
            problem = `memory layout differs from the snapshot's (table ${layout.table} vs ${expected.table}, heap base ${layout.heapBase} vs ${expected.heapBase})`;
          }
        } catch (error) {
          problem = `preloading NumPy failed: ${error && error.message || error}`;
        }
        // subtle: an exception thrown here would leave loadPyodide pending forever; failing the
        // restore instead makes loadPyodide reject, and the worker falls back.
        if (problem) Module.API.restoreSnapshot = () => { throw new Error(problem); };
        resolve(layout);
      };
      settings.preRun = [...settings.preRun, preload];
      return create(settings);
    };
  });
}

/** What makeSnapshot imports, so that no kernel call imports anything at run time. */
export const WARM_IMPORTS = `
import gc, importlib, os, random
import numpy, numpy.fft, numpy.linalg, numpy.random
from pyodide_kernels import dispatch
for _name in dispatch.MODULES:
    importlib.import_module(f"pyodide_kernels.{_name}")
del _name
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
