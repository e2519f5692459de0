// Byte-compile Python archives with Pyodide's own CPython (run under Node at build time).
// usage: node sitebuild/runtime/compile_pyc.mjs INDEX_URL JOBS_JSON
//   JOBS_JSON: [{"input": "/abs/in.zip", "output": "/abs/out.zip", "prefix": "/lib/python312.zip/",
//                "drop": ["regex on member names to leave out", ...]}]
// Each .py member becomes an unchecked hash-based .pyc (never compared with a source, which is
// dropped); wheels get a fresh RECORD. Members that do not compile are kept as source.
import { readFileSync, writeFileSync } from "node:fs";

const [indexURL, jobsJson] = process.argv.slice(2);
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const pyodide = await loadPyodide({ indexURL });
pyodide.runPython(`
import base64, hashlib, importlib._bootstrap_external as ext, importlib.util, io, re, zipfile

FIXED = (1980, 1, 1, 0, 0, 0)

def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

def compile_archive(data, prefix, drop):
    source = zipfile.ZipFile(io.BytesIO(data.to_bytes()))
    dropped = re.compile("|".join(f"(?:{d})" for d in drop)) if drop else None
    members = {}
    for info in source.infolist():
        if info.is_dir():
            continue
        body = source.read(info)
        name = info.filename
        compiled_name = name[:-3] + ".pyc" if name.endswith(".py") else name
        if dropped and dropped.search(compiled_name):
            continue
        if name.endswith(".py"):
            try:
                code = compile(body, prefix + name, "exec", dont_inherit=True)
                body = bytes(ext._code_to_hash_pyc(code, importlib.util.source_hash(body), False))
                name = name[:-3] + ".pyc"
            except (SyntaxError, ValueError):
                pass
        members[name] = body
    records = [n for n in members if n.endswith(".dist-info/RECORD")]
    for record in records:
        lines = [record_line(n, b) for n, b in members.items() if n != record]
        members[record] = ("\\n".join(lines + [record + ",,"]) + "\\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members.items():
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, body)
    return out.getvalue()
`);
const compileArchive = pyodide.globals.get("compile_archive");
for (const job of JSON.parse(jobsJson)) {
  const drop = pyodide.toPy(job.drop || []);
  const result = compileArchive(new Uint8Array(readFileSync(job.input)), job.prefix, drop);
  drop.destroy();
  writeFileSync(job.output, result.toJs());
  result.destroy();
}
