"""The process tree from ``/proc``: which processes a test's servers and workers started, and
which of them still run (orphan and failover tests)."""

from __future__ import annotations

from pathlib import Path


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a live process from ``/proc``; None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every process below ``root``: pid → start time (to tell a reused pid apart)."""
    children: dict[int, list[int]] = {}
    started: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
            started[int(entry.name)] = stat[2]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = started[child]
            todo.append(child)
    return found


def survivors(processes: dict[int, int]) -> list[str]:
    """Those still running (a zombie waiting for a reaper has ended)."""
    alive = []
    for pid, start in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[2] == start and stat[1] != "Z":
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
            alive.append(f"{pid}: {command}")
    return alive


def named(processes: dict[int, int], comm: str) -> list[int]:
    """Those of ``processes`` still running whose kernel name (``/proc/PID/comm``) is ``comm``."""
    found = []
    for pid in processes:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        stat = _stat(pid)
        if name == comm and stat is not None and stat[1] != "Z":
            found.append(pid)
    return found
