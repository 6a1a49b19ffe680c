"""Solve processes die with their job worker: no orphan outlives ``kill -9`` of it (or of
``serve``, whose ``--job-workers`` ask the same of the kernel).

A job worker forks each solve from a ``forkserver`` (``dispatch/planning/solve_process.py``);
multiprocessing's resource tracker exits once none of them holds its pipe. A ``SIGKILL`` runs no
clean-up code, so the kernel must do it: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the kernel
kill a process when its parent dies. The forkserver asks for it when it preloads this module (its
parent is the worker), each solve process when it starts (its parent is the forkserver); with
both gone the tracker sees end-of-file and exits by itself.

Linux only; elsewhere :func:`die_with_parent` returns False and nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
"""From ``<linux/prctl.h>``."""
PR_SET_NAME = 15
"""From ``<linux/prctl.h>``: the thread's name, as ``ps -o comm`` and ``/proc/PID/comm`` show it."""


def die_with_parent(service_pid: int | None = None) -> bool:
    """Ask the kernel for ``SIGKILL`` when this process's parent dies; True when granted.

    If ``service_pid`` is given and that process is already gone (it died before the request was
    made: the kernel would never send the signal), exit at once."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if service_pid is not None and not _alive(service_pid):
        os._exit(1)
    return True


def name_process(name: str) -> bool:
    """Name this process for ``ps``/``top`` (at most 15 bytes); True when the kernel took it.

    A solve forked from the forkserver otherwise shows the forkserver's command line."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0) == 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _in_forkserver() -> bool:
    """Python starts the forkserver as ``python -c 'from multiprocessing.forkserver import main…'``."""
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


if _in_forkserver():  # imported as a forkserver preload: the forkserver dies with the service
    die_with_parent()
