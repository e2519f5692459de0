/**
 * The worker protocol: every message has a `type`, one of these, and one shape per type.
 *
 * page → worker:  BOOT {pyodide, package, dataRoot}       CALL {id, kernel, args, data}
 * worker → page:  PROGRESS {stage, text}  READY {ms, compiled}  BOOT_ERROR {message}
 *                 RESULT {id, result, ms}  ERROR {id, error: {type, message}}
 */
export const MESSAGE = Object.freeze({
  BOOT: "boot",
  CALL: "call",
  PROGRESS: "progress",
  READY: "ready",
  BOOT_ERROR: "boot-error",
  RESULT: "result",
  ERROR: "error",
});
