"""write_output: replace the output folder as a whole, or not at all.

The new folder is built beside out_dir (same file system, so renames are atomic), then swapped
in. On Linux the swap is one renameat2(RENAME_EXCHANGE) call, so out_dir always exists and is
always either entirely old or entirely new; elsewhere it is two renames, and an interrupt between
them leaves the old folder intact under a `.<name>.old-*` name next to it.

Files in out_dir that we do not produce (a README, notes) are carried over: the new folder starts
as a copy of the old one and our files are written over it. Nothing is ever deleted from out_dir
except by replacing one of our own file names.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_output(files: dict[str, str], out_dir: Path) -> None:
    out_dir = Path(out_dir)
    for name in files:
        if Path(name).name != name or name in {"", ".", ".."}:
            raise ValueError(f"output file name {name!r} must be a plain file name")
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    try:
        if out_dir.is_dir():
            shutil.copytree(out_dir, staging, symlinks=True, dirs_exist_ok=True)
            shutil.copystat(out_dir, staging)
        else:
            os.chmod(staging, 0o777 & ~_umask())
        for name in sorted(files):
            write_file(staging / name, files[name])
        _fsync_dir(staging)
        _swap_in(staging, out_dir.resolve())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # After the swap, `staging` holds the old folder (or nothing): remove it.
    shutil.rmtree(staging, ignore_errors=True)


def write_file(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _swap_in(new: Path, target: Path) -> None:
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    os.rename(old, new)  # so the caller's cleanup of `new` removes the old folder


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        _fsync_dir(b.parent)
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
