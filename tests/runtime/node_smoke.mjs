// Load the vendored runtime in site/pyodide/ with Node, the way the browser worker does, and run
// one kernel: proves the served files, the lock and the kernels wheel are enough on their own.
// usage: node tests/runtime/node_smoke.mjs PYODIDE_DIR [plain|compiled]
// Prints one JSON line: the kernel's answer and the milliseconds each stage took.
import { resolve } from "node:path";

const dir = resolve(process.argv[2] ?? "site/pyodide") + "/";
const flavour = process.argv[3] ?? "plain";
const compiled = flavour === "compiled";
const ms = {};
let t = performance.now();
const lap = (name) => {
  const now = performance.now();
  ms[name] = Math.round((now - t) * 10) / 10;
  t = now;
};

const { loadPyodide } = await import(`${dir}pyodide.mjs`);
// subtle: under Node, indexURL is a file path and loadPackage reads wheels with fs; the lock and
// stdlib are named explicitly so the compiled flavour swaps both, as the worker does.
const pyodide = await loadPyodide({
  indexURL: dir,
  packageCacheDir: dir,
  lockFileURL: `${dir}${compiled ? "pyodide-lock.pyc.json" : "pyodide-lock.json"}`,
  stdLibURL: `${dir}${compiled ? "python_stdlib.pyc.zip" : "python_stdlib.zip"}`,
});
lap("boot");
const loaded = [];
await pyodide.loadPackage("pyodide-kernels", {
  messageCallback: (m) => loaded.push(m),
  errorCallback: (m) => loaded.push(`error: ${m}`),
});
lap("load_package");
pyodide.runPython("import numpy, pyodide_kernels.dispatch");
lap("import");
const answer = pyodide.runPython(
  `from pyodide_kernels.dispatch import call_json; call_json("softmax", '{"logits":[2,1,0.1]}')`,
);
lap("first_call");
const numpy = pyodide.runPython("numpy.__version__");
const numpyFile = pyodide.runPython("numpy.__file__");
const kernelsFile = pyodide.runPython("pyodide_kernels.dispatch.__file__");
const jsonFile = pyodide.runPython("import json; json.__file__");
console.log(
  JSON.stringify({
    flavour,
    numpy,
    files: [numpyFile, kernelsFile, jsonFile],
    answer: JSON.parse(answer),
    ms,
    loaded,
  }),
);
