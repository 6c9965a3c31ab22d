"""The one error type for bad user input, so the CLI can print it as one line and exit 2."""


class InputError(Exception):
    """Bad input from a user: a file, a key or a value. The message is one line naming all three."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))
