"""A process's own peak resident memory, shared by the in-process benchmarks and (as source
text run in the child) the whole-process ones."""

from __future__ import annotations

import sys


def peak_rss_mb() -> float | None:
    """This process's peak resident set size in MB; None where it cannot be read (Windows
    without psutil). On Linux, VmHWM: ``getrusage``'s ru_maxrss would carry the parent's peak
    over into a child process (the kernel keeps it across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        try:
            import psutil
        except ImportError:
            return None
        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB (bytes on macOS)
    return peak / (2**20 if sys.platform == "darwin" else 2**10)
