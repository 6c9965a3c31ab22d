"""argparse type functions shared by the CLI's commands, so every count and seed is checked alike."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_at_least(minimum: int) -> Callable[[str], int]:
    """Parse an integer of at least `minimum`; argparse turns the error into one line naming the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum} (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum} (got {value})")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)
