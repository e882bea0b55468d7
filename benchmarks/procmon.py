"""Run a command and measure it from outside: wall time and peak memory, per stage.

The memory figure is the peak, over samples taken every POLL_SECONDS, of the summed resident
set size of the whole process tree (the command and every descendant: Meltano, each tap and
loader, dbt). Shared pages are counted once per process, so it is an upper bound of what the
run needs. Stages are delimited by the command's own progress lines, matched by `stage_start`.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

POLL_SECONDS = 0.2
# `covered pipeline` prints "[2/6] tap-slack target-duckdb ..." when a task starts.
PIPELINE_STAGE = re.compile(r"^\[\d+/\d+\] (?P<stage>.+) \.\.\.$")
# ... and "[2/6] tap-slack target-duckdb done in 81.2 s" when it ends.
PIPELINE_STAGE_DONE = re.compile(r"^\[\d+/\d+\] (?P<stage>.+) done in [\d.]+ s$")


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss: int  # bytes, the whole run
    stages: dict[str, dict] = field(default_factory=dict)  # stage -> {seconds, peak_rss}
    output: list[str] = field(default_factory=list)  # stdout lines
    times: list[float] = field(default_factory=list)  # when each line came, seconds from start
    stderr: str = ""


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (processes that vanish count 0)."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stage_start: re.Pattern | None = None,
    stage_end: re.Pattern | None = None,
    echo: Callable[[str], None] | None = None,
) -> Measured:
    """Run `command` to completion, sampling its process tree's memory while it runs."""
    started = time.monotonic()
    result = Measured(returncode=-1, seconds=0.0, peak_rss=0)
    current: list[tuple[str, float]] = []  # the running stage and when it started
    lock = threading.Lock()
    stderr_chunks: list[str] = []
    with subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    ) as process:
        watched = psutil.Process(process.pid)

        def read_stdout() -> None:
            for raw in process.stdout:
                line = raw.rstrip("\n")
                result.output.append(line)
                result.times.append(time.monotonic() - started)
                started_stage = stage_start.match(line) if stage_start else None
                ended_stage = stage_end.match(line) if stage_end else None
                with lock:
                    if started_stage or ended_stage:
                        _close_stage(result, current)
                    if started_stage:
                        current.append((started_stage["stage"], time.monotonic()))
                        result.stages[started_stage["stage"]] = {"seconds": 0.0, "peak_rss": 0}
                if echo:
                    echo(line)

        reader = threading.Thread(target=read_stdout, daemon=True)
        err_reader = threading.Thread(target=lambda: stderr_chunks.append(process.stderr.read()))
        reader.start()
        err_reader.start()
        while process.poll() is None:
            rss = tree_rss(watched)
            with lock:
                result.peak_rss = max(result.peak_rss, rss)
                if current:
                    stage = result.stages[current[-1][0]]
                    stage["peak_rss"] = max(stage["peak_rss"], rss)
            time.sleep(POLL_SECONDS)
        reader.join()
        err_reader.join()
    with lock:
        _close_stage(result, current)
    result.returncode = process.returncode
    result.seconds = time.monotonic() - started
    result.stderr = "".join(stderr_chunks)
    return result


def _close_stage(result: Measured, current: list[tuple[str, float]]) -> None:
    if current:
        name, began = current.pop()
        result.stages[name]["seconds"] = time.monotonic() - began
