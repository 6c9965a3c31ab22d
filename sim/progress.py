"""Progress over replicates: a tqdm bar when stderr is a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class ReplicateProgress:
    """Call the object once per finished replicate; `close()` at the end (or use it as a context manager).

    On a terminal it shows a tqdm bar; in a log (stderr not a TTY) it prints a line at most every
    `every` seconds and one final line, so CI logs stay short.
    """

    def __init__(
        self,
        total: int,
        desc: str = "replicates",
        stream: TextIO | None = None,
        every: float = 10.0,
        bar: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.desc = desc
        self.every = every
        self.done = 0
        self.started = time.monotonic()
        self.last = self.started
        self.closed = False
        if bar is None:
            isatty = getattr(self.stream, "isatty", None)
            bar = bool(isatty and isatty())
        self._bar: Any = None
        if bar:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=desc, unit="rep", file=self.stream, dynamic_ncols=True, leave=False
            )

    def __call__(self) -> None:
        """Count one finished replicate."""
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
            return
        now = time.monotonic()
        if now - self.last >= self.every and self.done < self.total:
            self.last = now
            self._line(now)

    def _line(self, now: float, final: bool = False) -> None:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        text = f"{self.desc}: {self.done}/{self.total} replicates, {elapsed:.1f} s"
        if not final and rate > 0:
            text += f", ~{(self.total - self.done) / rate:.0f} s left"
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Finish the bar, or print the final line."""
        if self.closed:
            return
        self.closed = True
        if self._bar is not None:
            self._bar.close()
        elif self.done:
            self._line(time.monotonic(), final=True)

    def __enter__(self) -> ReplicateProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
