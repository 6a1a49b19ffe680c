"""CPU time of process trees, read from ``/proc``: what a served request really costs.

A throughput figure on a shared 2-core machine says as much about the neighbours as about the
service; the CPU seconds the service's own processes (and the PostgreSQL backends serving them)
spent during a run, divided by the requests, does not. ``CpuMeter`` snapshots ``utime + stime``
of every process under the given roots before and after a run; processes that start during the
run count in full, processes that exit during it are lost (the pools here keep theirs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class ProcStat:
    pid: int
    ppid: int
    cpu_s: float
    """User plus system CPU of the process itself (not of reaped children)."""


def read_stat(pid: int) -> ProcStat | None:
    """``/proc/<pid>/stat`` of one process; ``None`` when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may hold spaces: split after the last ")"
    fields = text.rsplit(")", 1)[1].split()
    ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
    return ProcStat(pid, ppid, (utime + stime) * TICK_S)


def all_stats() -> dict[int, ProcStat]:
    stats: dict[int, ProcStat] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = read_stat(int(entry))
            if stat is not None:
                stats[stat.pid] = stat
    return stats


def tree(root: int, stats: Mapping[int, ProcStat]) -> set[int]:
    """``root`` and all its descendants among ``stats``."""
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    family, frontier = {root}, [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in family:
                family.add(child)
                frontier.append(child)
    return family & stats.keys()


def postmaster_pid(data_dir: Path) -> int:
    """The PostgreSQL server of a data directory (first line of ``postmaster.pid``)."""
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


@dataclass
class CpuMeter:
    """CPU seconds spent by named process trees between ``start()`` and ``stop()``."""

    roots: Mapping[str, int]
    _before: dict[int, float] = field(default_factory=dict)
    spent_s: dict[str, float] = field(default_factory=dict)

    def _snapshot(self) -> dict[str, dict[int, float]]:
        stats = all_stats()
        return {
            name: {pid: stats[pid].cpu_s for pid in tree(root, stats)} for name, root in self.roots.items()
        }

    def start(self) -> None:
        self._before = {pid: cpu for group in self._snapshot().values() for pid, cpu in group.items()}

    def stop(self) -> dict[str, float]:
        """CPU seconds per root's tree since ``start()``."""
        self.spent_s = {
            name: sum(cpu - self._before.get(pid, 0.0) for pid, cpu in group.items())
            for name, group in self._snapshot().items()
        }
        return self.spent_s

    def per_request_ms(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request for each tree, and their ``total``."""
        if requests <= 0:
            return {}
        spent = {name: round(seconds * 1000 / requests, 3) for name, seconds in self.spent_s.items()}
        spent["total"] = round(sum(self.spent_s.values()) * 1000 / requests, 3)
        return spent


def load_average() -> float:
    """The machine's one-minute load average: how much else shared the cores."""
    return round(os.getloadavg()[0], 2)
