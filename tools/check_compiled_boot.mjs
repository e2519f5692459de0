// Boot the byte-compiled runtime of a built site under Node and import NumPy and every kernel
// module: proves the compiled archives (with their dropped members) still hold all they need.
// usage: node tools/check_compiled_boot.mjs /abs/site/pyodide/
const [indexURL] = process.argv.slice(2);
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const pyodide = await loadPyodide({
  indexURL,
  stdLibURL: `${indexURL}python_stdlib.pyc.zip`,
  lockFileURL: `${indexURL}pyodide-lock.pyc.json`,
});
await pyodide.loadPackage("pyodide-kernels", { messageCallback: () => {} });
pyodide.runPython(`
import numpy, numpy.linalg, numpy.fft, numpy.random
from pyodide_kernels import dispatch
dispatch.kernel_table()  # imports every kernel module
numpy.linalg.solve(numpy.eye(3), numpy.ones(3)); numpy.fft.rfft(numpy.ones(8))
print("compiled runtime ok:", len(dispatch.kernel_modules()), "kernel modules")
`);
