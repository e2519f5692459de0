/**
 * The worker protocol: every message has a `type`, one of these, and one shape per type.
 *
 * page → worker:  BOOT {pyodide, package, dataRoot, compiled, snapshot, snapshotCachedOnly}
 *                 CALL {id, kernel, args, data, dataBase}   (data: files to fetch from dataBase
 *                      and write under DATA_ROOT before the call)
 *                 MAKE_SNAPSHOT {pyodide, files, index, libraries}   (the build only)
 * worker → page:  PROGRESS {stage, text}  READY {ms, kind, fallbacks, stages}  BOOT_ERROR {message}
 *                 RESULT {id, result, ms}  ERROR {id, error: {type, message}}
 *                 SNAPSHOT_CACHED {cached}   (after a boot that could not use the snapshot)
 *                 SNAPSHOT {bytes, layout, pyodide, userAgent}
 */
export const MESSAGE = Object.freeze({
  BOOT: "boot",
  CALL: "call",
  MAKE_SNAPSHOT: "make-snapshot",
  PROGRESS: "progress",
  READY: "ready",
  BOOT_ERROR: "boot-error",
  RESULT: "result",
  ERROR: "error",
  SNAPSHOT: "snapshot",
  SNAPSHOT_CACHED: "snapshot-cached",
});

/**
 * Where the worker writes the data files it fetches (traces/model.npz, …), at the same relative
 * path, and where pyodide_kernels/_assets.py reads them (the worker sets HLW_DATA_ROOT to it).
 */
export const DATA_ROOT = "/home/pyodide";
