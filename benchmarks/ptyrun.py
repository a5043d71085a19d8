"""Run a whole process in a pseudo-terminal and time when given texts appear on its screen.

A tiny driver (no pexpect): the child gets a fresh pseudo-terminal of 100x40 as its stdin,
stdout and stderr; we read everything it writes, note the moment each awaited text first
appears, answer when told to, and read its peak memory (``VmHWM`` in ``/proc``) while it runs:
``ru_maxrss`` from ``wait4`` would also count the pages of this (large) process that ``fork``
copied before the child's ``exec``.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass, field


@dataclass
class Step:
    """Wait for ``expect`` (a regex over the bytes written so far), then send ``send``."""

    name: str
    expect: bytes
    send: bytes | None = None
    sample_memory: bool = False  # read the peak memory so far (VmHWM) before sending


@dataclass
class PtyResult:
    times: dict[str, float] = field(default_factory=dict)  # step name -> seconds since start
    exit_time: float = 0.0
    maxrss_kb: int = 0  # ru_maxrss from wait4 (on Linux it can include the parent's pages copied by fork)
    peak_kb: int = 0  # VmHWM sampled at the steps that ask for it: the process's own peak
    cpu: float = 0.0  # user + system CPU seconds of the whole process
    status: int = 0
    output: bytes = b""


def _vm_hwm(pid: int) -> int:
    """Peak resident memory of a running process in kB (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(argv: list[str], steps: list[Step], *, env: dict[str, str], cwd: str | None = None,
        timeout: float = 60.0, rows: int = 40, cols: int = 100) -> PtyResult:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    result = PtyResult()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    buf = bytearray()
    pending = list(steps)
    deadline = start + timeout
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                proc.kill()
                raise TimeoutError(f"{argv[:3]}: waiting for {pending[0].name if pending else 'exit'}; "
                                   f"screen so far: {bytes(buf[-400:])!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                break
            seen = time.perf_counter()
            buf += chunk
            while pending and re.search(pending[0].expect, buf):
                step = pending.pop(0)
                result.times[step.name] = seen - start
                if step.sample_memory:
                    result.peak_kb = max(result.peak_kb, _vm_hwm(proc.pid))
                if step.send is not None:
                    os.write(master, step.send)
    finally:
        _, status, usage = os.wait4(proc.pid, 0)
        result.exit_time = time.perf_counter() - start
        os.close(master)
        proc.returncode = status  # the Popen object must not wait again
    if pending:
        raise RuntimeError(f"{argv[:3]} exited before {pending[0].name}: {bytes(buf[-600:])!r}")
    result.maxrss_kb = usage.ru_maxrss
    result.cpu = usage.ru_utime + usage.ru_stime
    result.status = status
    result.output = bytes(buf)
    return result
