"""The sweep's progress display is the project's one reporter, `sim.run.progress.Progress`."""

from sim.run.progress import Progress

__all__ = ["Progress"]
