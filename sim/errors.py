"""Error types the CLI prints as one line: bad user input (exit 2) and a run that failed (exit 1)."""


class InputError(Exception):
    """Bad input from a user: a file, a key or a value. The message is one line naming all three."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class RunFailed(RuntimeError):
    """A replicate raised, or a worker was lost, so a run's tables cannot be whole (a bug, not bad input).

    The message names the scenario, the replicate and its seed, so the failure can be replayed alone.
    """
