"""The sweep's progress display is the project's one reporter, `sim.progress.Progress`."""

from sim.progress import Progress

__all__ = ["Progress"]
