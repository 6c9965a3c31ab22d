"""One look for every figure: leader colours, sizes, captions and headless rendering.

Figures are plain `matplotlib.figure.Figure` objects with an Agg canvas attached, so nothing
here touches pyplot's global state and notebooks keep whatever backend they use.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: The historical cast in the model's order; a leader's colour never changes between figures.
LEADERS: tuple[str, ...] = ("stalin", "trotsky", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky")

LEADER_COLOURS: dict[str, str] = {
    "stalin": "#b2182b",  # deep red
    "trotsky": "#2166ac",  # blue
    "zinoviev": "#e08214",  # orange
    "kamenev": "#8c510a",  # brown
    "bukharin": "#1b7837",  # green
    "rykov": "#762a83",  # purple
    "tomsky": "#35978f",  # teal
    "none": "#7f7f7f",  # no winner
}
# Colours for leaders a scenario adds, chosen to stay clear of the ones above.
_EXTRA = ("#d6604d", "#4393c3", "#fdb863", "#bf812d", "#5aae61", "#9970ab", "#80cdc1", "#e7298a", "#666666")

#: Colours for things that are not a leader (vote sides), distinct from every leader's colour.
MAJORITY_COLOUR = "#252525"
OPPOSITION_COLOUR = "#e7298a"
ABSTAIN_COLOUR = "#bdbdbd"

WIDE = (12.0, 6.5)
TALL = (12.0, 8.0)
DPI = 150
FORMATS = ("png", "svg", "pdf")


def leader_colour(name: str) -> str:
    """Colour of a leader, stable across figures even for leaders outside the historical cast."""
    key = str(name).strip().lower()
    if key in LEADER_COLOURS:
        return LEADER_COLOURS[key]
    return _EXTRA[sum(map(ord, key)) % len(_EXTRA)]


def display_name(name: str) -> str:
    """`stalin` -> `Stalin`; `none` -> `no winner`."""
    key = str(name).strip()
    return "no winner" if key.lower() in ("none", "", "nan") else key.capitalize()


def coalition_name(members: Iterable[str]) -> str:
    """`{'zinoviev', 'stalin'}` -> `Stalin + Zinoviev` in the model's leader order."""
    order = {n: i for i, n in enumerate(LEADERS)}
    ms = sorted({m.strip().lower() for m in members if m.strip()}, key=lambda m: (order.get(m, 99), m))
    return " + ".join(display_name(m) for m in ms)


def order_leaders(names: Iterable[str]) -> list[str]:
    """Leaders in the historical order first, then any others alphabetically."""
    order = {n: i for i, n in enumerate(LEADERS)}
    return sorted({str(n).lower() for n in names if str(n).strip()}, key=lambda m: (order.get(m, 99), m))


def new_figure(size: tuple[float, float] = WIDE) -> Figure:
    """Make a Figure with its own Agg canvas: headless without pyplot, still inline in notebooks."""
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def caption(fig: Figure, text: str) -> None:
    """Write the caption line (scenario or experiment, replicates) under the plot."""
    if text:
        fig.supxlabel(text, fontsize=9, color="#444444", x=0.01, ha="left")


def caption_text(manifest: dict | None, replicates: int | None = None, what: str = "scenario") -> str:
    """Caption naming the scenario or experiment, the number of replicates and the master seed."""
    m = manifest or {}
    keys = ("scenario_name", "experiment_name", "experiment", "name")
    name = next((m[k] for k in keys if isinstance(m.get(k), str) and m[k]), None)
    if not name and isinstance(m.get("scenarios"), list):
        name = ", ".join(str(x.get("name", "?")) if isinstance(x, dict) else str(x) for x in m["scenarios"])
    parts = [f"{what}: {name}" if name else f"{what}: unnamed"]
    n = replicates if replicates is not None else m.get("replicates")
    if n is not None:
        parts.append(f"{n} replicate{'s' if n != 1 else ''}")
    design = m.get("design") if isinstance(m.get("design"), dict) else {}
    seed = m.get("master_seed", m.get("seed", design.get("master_seed")))
    if seed is not None:
        parts.append(f"master seed {seed}")
    return "  ·  ".join(parts)


def no_data(ax: Axes, message: str) -> None:
    """Say plainly on the axes that there is nothing to show, instead of an empty or broken plot."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=12,
        color="#555555",
        wrap=True,
    )


def empty_figure(title: str, message: str, caption_line: str = "") -> Figure:
    """Make a figure whose only content is the reason it is empty."""
    fig = new_figure((10.0, 4.0))
    ax = fig.add_subplot()
    ax.set_title(title)
    no_data(ax, message)
    caption(fig, caption_line)
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Write atomically (temporary file, then rename) so an interrupted run leaves no half-written figure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".").lower()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_metadata(fmt))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """Return the umask (mkstemp makes files 0600; figures should get the usual permissions)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _metadata(fmt: str) -> dict | None:
    """Drop creation dates so the same results give byte-identical figures."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    return None
