"""Readings of another process from /proc: CPU seconds, resident memory, its threads."""

from __future__ import annotations

import contextlib
import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads) so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of proc(5)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def own_cpu_seconds() -> float:
    """This process's utime + stime, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pin(pid: int, cores: set[int]) -> None:
    """Pin every thread of `pid` to `cores` (threads made later inherit it)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(ProcessLookupError):  # a thread that has just ended
            os.sched_setaffinity(int(tid), cores)


def renice(pid: int, nice: int) -> None:
    """Give every thread of `pid` the niceness `nice` (below 0 needs root)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(ProcessLookupError):
            os.setpriority(os.PRIO_PROCESS, int(tid), nice)


def core_ticks(cores: set[int]) -> tuple[int, int]:
    """(busy, all) clock ticks of `cores` so far, from /proc/stat (busy: all but idle and
    iowait; steal counts as busy: the hypervisor gave the time to someone else)."""
    busy = total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores:
            ticks = [int(f) for f in fields[:8]]
            total += sum(ticks)
            busy += sum(ticks) - ticks[3] - ticks[4]
    return busy, total


@dataclass
class Probe:
    """CPU and memory of a process between two moments."""

    pid: int
    cpu0: float = 0.0
    rss0: int = 0

    def start(self) -> Probe:
        self.cpu0 = cpu_seconds(self.pid)
        self.rss0 = memory_kib(self.pid)["VmRSS"]
        return self

    def read(self) -> dict[str, float | int]:
        mem = memory_kib(self.pid)
        return {
            "cpu_s": round(cpu_seconds(self.pid) - self.cpu0, 3),
            "rss_start_kib": self.rss0,
            "rss_kib": mem["VmRSS"],
            "peak_rss_kib": mem["VmHWM"],
        }
