"""The deterministic archive writer: the same members give the same zip, byte for byte (fixed
timestamps and modes, members in the order given), and a wheel's RECORD lists every member's
hash. Pure standard library, because it runs twice: in CPython, where ``vendor.build_wheel``
writes the kernels wheel, and inside Pyodide under Node, where ``compile_pyc.mjs`` reads this
file's source and runs it before rewriting the archives it byte-compiles.

Example: ``record_line("a.py", b"")`` -> 'a.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0'
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

#: zip timestamps are fixed so the same sources give the same archive, byte for byte.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: Every member is a plain file readable by all (``rw-r--r--``).
FILE_MODE = 0o644


def record_line(name: str, data: bytes) -> str:
    """One RECORD row: the member's name, its urlsafe-base64 sha256 without padding, its size."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def record(members: dict[str, bytes], name: str) -> bytes:
    """The RECORD file ``name`` for ``members``: a row for every other member, in order, then
    its own row without a hash.

    Example: ``record({"a.py": b""}, "a.dist-info/RECORD")`` ->
    b'a.py,sha256=47DEQ…,0\\na.dist-info/RECORD,,\\n'
    """
    lines = [record_line(member, data) for member, data in members.items() if member != name]
    return ("\n".join([*lines, f"{name},,"]) + "\n").encode()


def write_archive(members: dict[str, bytes]) -> bytes:
    """A deflated zip of ``members`` (name -> bytes) in the order given, with fixed times and
    modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, data)
    return buffer.getvalue()
