"""The one progress reporter of run, compare and sweep: a tqdm bar on a terminal, periodic lines in logs."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

MODES = ("auto", "bar", "lines", "off")


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts finished runs; `mode` is 'bar', 'lines' or 'off' ('auto' picks a bar on a terminal).

    In a log (stderr not a terminal) it prints a line at most every `every` seconds and one final
    line, so CI logs stay short. `desc` names what runs ("sweep", a scenario's name).
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        mode: str = "auto",
        stream: TextIO | None = None,
        every: float = 10.0,
        desc: str = "sweep",
    ) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if isatty and isatty() else "lines"
        self.mode = mode
        self.total = total
        self.done = initial
        self.initial = initial
        self.every = every
        self.desc = desc
        self.started = time.monotonic()
        self.last = self.started
        self.closed = False
        self.bar: Any = None
        if mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=initial,
                unit="run",
                file=self.stream,
                dynamic_ncols=True,
                desc=desc,
                smoothing=0.1,
            )
        elif mode == "lines" and initial:
            self._line(prefix="resuming: ")

    def update(self, runs: int = 1) -> None:
        """Count `runs` more finished runs (completed or failed)."""
        self.done += runs
        if self.bar is not None:
            self.bar.update(runs)
        elif self.mode == "lines" and time.monotonic() - self.last >= self.every and self.done < self.total:
            self._line()

    def __call__(self) -> None:
        """Count one finished run (the callback form)."""
        self.update(1)

    def _line(self, prefix: str = "") -> None:
        self.last = time.monotonic()
        elapsed = self.last - self.started
        new = self.done - self.initial
        rate = new / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        share = 100 * self.done / self.total if self.total else 100.0
        eta_text = _clock(eta) if rate > 0 else "?"
        print(
            f"{prefix}{self.desc}: {self.done}/{self.total} runs ({share:.1f}%), {rate:.1f} runs/s, "
            f"ETA {eta_text}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        """Finish the bar, or print a last line."""
        if self.closed:
            return
        self.closed = True
        if self.bar is not None:
            self.bar.close()
        elif self.mode == "lines" and self.done > self.initial:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
