"""Progress display and the final report: a bar on terminals, periodic lines in logs, honest exit status."""

from __future__ import annotations

import io
from pathlib import Path

from sim.run.progress import Progress
from sim.sweep.engine import SweepReport, print_report


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal_with_rate_and_eta() -> None:
    log = io.StringIO()
    progress = Progress(100, initial=20, stream=log, every=0.0)
    assert progress.mode == "lines" and log.getvalue().startswith("resuming: sweep: 20/100 runs (20.0%)")
    progress.update(30)
    progress.close()
    lines = log.getvalue().splitlines()
    assert lines[1].startswith("sweep: 50/100 runs (50.0%), ") and "runs/s, ETA 0:" in lines[1]
    assert lines[-1].startswith("sweep: 50/100 runs") and "\r" not in log.getvalue()


def test_a_bar_on_a_terminal() -> None:
    term = Terminal()
    progress = Progress(10, stream=term)
    progress.update(10)
    progress.close()
    assert progress.mode == "bar" and "10/10" in term.getvalue() and "run/s" in term.getvalue()


def test_off_prints_nothing() -> None:
    log = io.StringIO()
    progress = Progress(10, mode="off", stream=log)
    progress.update(10)
    progress.close()
    assert log.getvalue() == ""


def test_report_exit_status_and_failure_count(tmp_path: Path) -> None:
    log = io.StringIO()
    ok = SweepReport(tmp_path, planned=10, completed=10, status="complete")
    assert print_report(ok, log) == 0 and "10 of 10 runs completed, 0 failed, 0 missing" in log.getvalue()
    log = io.StringIO()
    assert print_report(ok, log, quiet=True) == 0 and log.getvalue() == ""  # --quiet: silent when all is well
    log = io.StringIO()
    failed = SweepReport(tmp_path, planned=10, completed=7, failed=3, status="complete")
    assert print_report(failed, log, quiet=True) == 1  # what went wrong is still said
    assert "3 run(s) failed" in log.getvalue()
    log = io.StringIO()
    assert print_report(failed, log) == 1
    assert f"error: 3 run(s) failed; see {tmp_path / 'failures.csv'}" in log.getvalue()
    log = io.StringIO()
    lost = SweepReport(tmp_path, planned=10, completed=6, status="incomplete", errors=["chunk 2 lost: boom"])
    assert print_report(lost, log) == 1
    assert (
        "error: chunk 2 lost: boom" in log.getvalue()
        and "4 run(s) not done; rerun with --resume" in log.getvalue()
    )
