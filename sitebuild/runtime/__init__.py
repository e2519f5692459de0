"""The Python runtime the site vendors: Pyodide, NumPy and the kernels wheel (``vendor``), the
deterministic archive writer (``wheel``), their byte-compiled copies (``pyc``, run by
``compile_pyc.mjs`` under Node), the memory snapshot (``snapshot``, ``sparse``) and the headless
Chromium that makes it (``chromium``). It never imports ``sitebuild.pages``."""
