"""The command line's ``screen`` command: a cohort to a Parquet file, with a summary.

``interventional screen SOURCE --out results.parquet`` screens a directory (or files) of
the long format, or an OMOP extract (``--omop``, or found by its ``person`` table),
partition by partition into ``--out``, writes the unmapped rows beside it
(``results.unmapped.parquet``), and prints the summary: verdict counts and the drugs that
defer most (``--json``: as JSON). ``--procedure ID --at TIME`` (with ``--levels``,
``--side``, ``--modality``) screens one plan for every patient of the ``patients`` table.
A progress bar is drawn on standard error when the run takes more than a moment.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Progress", "screen_command"]


class Progress:
    """A progress bar on a terminal stream, drawn once the run has taken ``delay`` seconds."""

    def __init__(self, stream: TextIO, *, delay: float = 1.0, width: int = 30) -> None:
        self.stream = stream
        self.delay = delay
        self.width = width
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        """Show ``done`` of ``total`` rows (and the rate)."""
        elapsed = time.monotonic() - self.start
        if elapsed < self.delay:
            return
        rate = done / elapsed if elapsed > 0 else 0.0
        if total:
            filled = int(self.width * min(done / total, 1.0))
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"\rscreening [{bar}] {done:,}/{total:,} rows, {rate:,.0f} rows/s"
        else:
            text = f"\rscreening {done:,} rows, {rate:,.0f} rows/s"
        self.stream.write(text)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def screen_command(
    source: list[str],
    out_file: str,
    *,
    omop: bool,
    procedure: str | None,
    at: datetime | None,
    levels: list[str] | None,
    side: str | None,
    modality: str | None,
    as_json: bool,
    out: TextIO,
    err: TextIO | None = None,
) -> int:
    """Run ``interventional screen``; return 0."""
    from interventional.cohort import CohortError, screen_to_parquet
    from interventional.procedures import plan as make_plan

    plan: Any = None
    if procedure is not None:
        if at is None:
            raise CohortError("--at", "--procedure needs --at: one procedure time for everyone")
        plan = make_plan(procedure, levels=levels or (), side=side, modality=modality)
    paths = [Path(item) for item in source]
    where: Any = paths[0] if len(paths) == 1 else paths
    progress = Progress(err if err is not None else sys.stderr)
    started = time.monotonic()
    try:
        summary = screen_to_parquet(
            where, out_file, at, plan=plan, omop=True if omop else None, progress=progress
        )
    finally:
        progress.close()
    seconds = time.monotonic() - started
    if as_json:
        from interventional._present import screen_summary

        data = screen_summary(
            {**summary.as_dict(), "out": str(out_file), "seconds": round(seconds, 3)}
        )
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(summary.table() + "\n")
        out.write(f"\n{summary.rows:,} rows in {seconds:.1f} s written to {out_file}\n")
    return 0
