"""Whole files only: every output is written to a temporary file in its own folder and renamed
into place (``os.replace`` is atomic on one file system), so a reader -- or a run killed
half-way -- sees the old file or the new one, never half of one; on any error the temporary
file is removed.

* :func:`replacing` -- a temporary path to write (by any means: ``savefig``, ``write``) that
  replaces ``path`` when the block ends without an error;
* :func:`write_bytes` / :func:`write_text` -- the common case, flushed and fsynced first.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing", "write_bytes", "write_text"]


@contextlib.contextmanager
def replacing(path: str | Path, *, suffix: str = ".tmp", parents: bool = False
              ) -> Iterator[Path]:
    """Yield a fresh temporary path ``.<name>.XXXX<suffix>`` beside ``path``; rename it onto
    ``path`` when the block ends normally, delete it otherwise. ``parents``: create the
    folder first (else a missing folder is an error, as for ``open``)."""
    path = Path(path)
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | Path, data: bytes, *, parents: bool = False) -> Path:
    """``data`` as the whole content of ``path`` (see the module docstring)."""
    with replacing(path, parents=parents) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(path)


def write_text(path: str | Path, text: str, *, parents: bool = False) -> Path:
    """``text`` (UTF-8) as the whole content of ``path``."""
    return write_bytes(path, text.encode("utf-8"), parents=parents)
