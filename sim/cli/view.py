"""`powerstruggle view [SCENARIO] [--port N] [--host H] [--seed S]`: serve the browser view.

Checks everything it can before serving: the scenario validates, the viz extra is installed, the port
is free. Then it prints the URL and hands the process over to `solara run` (so stopping this process
stops the server).
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import socket
import sys
from pathlib import Path

from sim.cli.argtypes import positive_int
from sim.cli.options import add_seed, resolve
from sim.errors import InputError

DEFAULT_SCENARIO = Path("scenarios/historical.toml")
#: The repository's own copy (the package is installed editable from it), used when the working
#: directory has no scenarios/ folder: `view` must start wherever a new user happens to be.
SHIPPED_SCENARIO = Path(__file__).resolve().parents[2] / DEFAULT_SCENARIO
DEFAULT_PORT = 8765
MAX_PORT = 65535
VIZ_MODULES = ("solara", "mesa.visualization", "matplotlib")


def port_number(text: str) -> int:
    """A TCP port, 1 .. 65535."""
    value = positive_int(text)
    if value > MAX_PORT:
        raise argparse.ArgumentTypeError(f"expected a port number 1 .. {MAX_PORT} (got {value})")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `view` to the main parser."""
    p = subparsers.add_parser(
        "view",
        help="watch and steer a replay in the browser (needs powerstruggle[viz])",
        description="Serve a Solara app (Mesa SolaraViz) that steps a replay month by month.",
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        nargs="?",
        type=Path,
        default=None,
        help=f"scenario file (default {DEFAULT_SCENARIO}, here or else the installation's copy)",
    )
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: this machine only)"
    )
    add_seed(p)
    p.set_defaults(func=view_command)


def resolve_scenario(given: Path | None, cwd: Path | None = None) -> Path:
    """The scenario to serve, as an absolute path.

    A scenario named on the command line is taken as given (relative to `cwd`). Without one, the
    working directory's `scenarios/historical.toml` wins (a user's own copy), else the installation's,
    so that `view` starts from any directory.
    """
    here = Path.cwd() if cwd is None else Path(cwd)
    if given is not None:
        return (here / given).resolve()
    for candidate in (here / DEFAULT_SCENARIO, SHIPPED_SCENARIO):
        if candidate.is_file():
            return candidate.resolve()
    raise InputError(
        f"view: no scenario given and {DEFAULT_SCENARIO} is neither in {here} nor in the installation "
        f"({SHIPPED_SCENARIO.parent}): expected a SCENARIO file argument"
    )


def check_viz_installed() -> None:
    """Fail with one line when the optional viz dependencies are missing."""
    for name in VIZ_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise InputError(
                f"view: module {name} is missing: expected the extra installed (pip install -e '.[viz]')"
            )


def check_port_free(host: str, port: int) -> None:
    """Fail with one line when `host:port` cannot be bound (in use, or not an address of this machine)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise InputError(
                    f"--port: {port} is already in use on {host}: expected a free port"
                ) from None
            raise InputError(
                f"--host: cannot bind {host}:{port} ({err.strerror}): expected an address of this machine"
            ) from None


def view_command(args: argparse.Namespace) -> int:
    """Validate, print the URL, then become the Solara server."""
    from sim.run.api import prepare

    scenario = resolve_scenario(args.scenario)
    prepare(scenario)
    check_viz_installed()
    check_port_free(args.host, args.port)
    app = Path(__file__).resolve().parents[1] / "view" / "app.py"
    env = {
        **os.environ,
        "PS_VIEW_SCENARIO": str(scenario),
        "PS_VIEW_SEED": str(resolve(args.seed, 0)),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"powerstruggle view: serving {scenario.name} at http://{shown}:{args.port}/ (Ctrl-C stops)",
        flush=True,
    )
    argv = [sys.executable, "-m", "solara", "run", str(app), "--production", "--no-open"]
    argv += ["--port", str(args.port), "--host", args.host]
    os.execve(sys.executable, argv, env)
    return 0  # pragma: no cover - execve does not return
