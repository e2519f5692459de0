// Byte-compile Python archives with Pyodide's own CPython (run under Node at build time).
// usage: node sitebuild/runtime/compile_pyc.mjs INDEX_URL JOBS_JSON
//   JOBS_JSON: [{"input": "/abs/in.zip", "output": "/abs/out.zip", "prefix": "/lib/python312.zip/",
//                "drop": ["regex on member names to leave out", ...]}]
// Each .py member becomes an unchecked hash-based .pyc (never compared with a source, which is
// dropped); wheels get a fresh RECORD. Members that do not compile are kept as source. The
// archives are written by wheel.py beside this file, run inside Pyodide.
import { readFileSync, writeFileSync } from "node:fs";

const [indexURL, jobsJson] = process.argv.slice(2);
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const pyodide = await loadPyodide({ indexURL });
// the archive writer is sitebuild/runtime/wheel.py, the one the build's CPython uses: run its
// source here, so both write zips and RECORDs the same way
pyodide.runPython(readFileSync(new URL("./wheel.py", import.meta.url), "utf8"));
pyodide.runPython(`
import importlib._bootstrap_external as ext, importlib.util, io, re, zipfile

def compile_member(name, body, prefix):
    """(name, body) of a member, a .py compiled to an unchecked hash-based .pyc when it can be."""
    if not name.endswith(".py"):
        return name, body
    try:
        code = compile(body, prefix + name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return name, body
    return name[:-3] + ".pyc", bytes(ext._code_to_hash_pyc(code, importlib.util.source_hash(body), False))

def compile_archive(data, prefix, drop):
    source = zipfile.ZipFile(io.BytesIO(data.to_bytes()))
    dropped = re.compile("|".join(f"(?:{d})" for d in drop)) if drop else None
    members = {}
    for info in source.infolist():
        name = info.filename
        compiled_name = name[:-3] + ".pyc" if name.endswith(".py") else name
        if info.is_dir() or (dropped and dropped.search(compiled_name)):
            continue
        name, body = compile_member(name, source.read(info), prefix)
        members[name] = body
    for name in [n for n in members if n.endswith(".dist-info/RECORD")]:
        members[name] = record(members, name)
    return write_archive(members)
`);
const compileArchive = pyodide.globals.get("compile_archive");
for (const job of JSON.parse(jobsJson)) {
  const drop = pyodide.toPy(job.drop || []);
  const result = compileArchive(new Uint8Array(readFileSync(job.input)), job.prefix, drop);
  drop.destroy();
  writeFileSync(job.output, result.toJs());
  result.destroy();
}
