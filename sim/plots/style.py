"""One look for every figure: leader colours, sizes, captions and headless rendering.

Figures are plain `matplotlib.figure.Figure` objects with an Agg canvas attached, so nothing
here touches pyplot's global state and notebooks keep whatever backend they use.
"""

from __future__ import annotations

import colorsys
import functools
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import matplotlib.colors as mcolors
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: The historical cast in the model's order; the order of figures whose caller names no cast.
LEADERS: tuple[str, ...] = ("stalin", "trotsky", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky")

#: Colours the 1924 cast keeps wherever it appears, so the shipped figures keep their look.
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
#: Colours handed out in order to a cast's other leaders: first those the 1924 cast leaves free, then
#: further ones chosen to differ from them and from the grey of "no winner" and the vote sides.
PALETTE: tuple[str, ...] = (
    *(c for n, c in LEADER_COLOURS.items() if n != "none"),
    "#e6ab02",  # gold
    "#f781bf",  # pink
    "#17becf",  # cyan
    "#bcbd22",  # olive
    "#fb9a99",  # salmon
    "#253494",  # navy
    "#7fbc41",  # lime
    "#9e9ac8",  # lavender
    "#d8b365",  # tan
)
#: Colours for things that are not a leader (vote sides), distinct from every leader's colour.
MAJORITY_COLOUR = "#252525"
OPPOSITION_COLOUR = "#e7298a"
ABSTAIN_COLOUR = "#bdbdbd"

WIDE = (12.0, 6.5)
TALL = (12.0, 8.0)
DPI = 150
FORMATS = ("png", "svg", "pdf")


def _key(name: object) -> str:
    return str(name).strip().lower()


@functools.lru_cache(maxsize=64)
def _palette(cast: tuple[str, ...]) -> dict[str, str]:
    taken = {LEADER_COLOURS[n] for n in cast if n in LEADER_COLOURS}
    free = iter([c for c in PALETTE if c not in taken] + list(_more_colours(len(cast))))
    return {n: LEADER_COLOURS[n] if n in LEADER_COLOURS else next(free) for n in cast} | {
        "none": LEADER_COLOURS["none"]
    }


def _more_colours(n: int) -> list[str]:
    """Colours beyond the palette for a very large cast: hues a golden angle apart, never repeated."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        hex_ = mcolors.to_hex(colorsys.hsv_to_rgb((0.11 + 0.618034 * i) % 1.0, 0.7, 0.55 + 0.3 * (i % 2)))
        i += 1
        if hex_ not in PALETTE and hex_ not in out:
            out.append(hex_)
    return out


def leader_palette(cast: Iterable[str] | None = None, seen: Iterable[str] = ()) -> dict[str, str]:
    """One distinct colour per leader of a cast (a scenario's `leaders`), plus grey for `none`.

    The colours come from the cast, not from the name alone: the 1924 leaders keep theirs, the others
    take the free colours in cast order, so any cast gets distinct colours and the same cast always
    the same ones. Names in `seen` (the data) but not in the cast are added after it, alphabetically.
    Every figure of one run must be drawn with the same cast to share its colours.
    """
    names = list(dict.fromkeys(_key(n) for n in (cast if cast is not None else LEADERS) if _key(n)))
    extra = sorted({_key(n) for n in seen} - set(names) - {"none", "", "nan", "<na>"})
    return dict(_palette(tuple(n for n in [*names, *extra] if n != "none")))  # a copy: the cache's stays


def leader_colour(name: str, cast: Iterable[str] | None = None) -> str:
    """Colour of one leader within `cast` (default: the 1924 cast); see `leader_palette`."""
    key = _key(name)
    if key in ("", "nan", "<na>", "none"):
        return LEADER_COLOURS["none"]
    return leader_palette(cast, [key])[key]


def display_name(name: str) -> str:
    """`stalin` -> `Stalin`; `none` -> `no winner`."""
    key = str(name).strip()
    return "no winner" if key.lower() in ("none", "", "nan") else key.capitalize()


def coalition_name(members: Iterable[str], cast: Iterable[str] | None = None) -> str:
    """`{'zinoviev', 'stalin'}` -> `Stalin + Zinoviev` in the cast's order (default: the 1924 cast)."""
    return " + ".join(display_name(m) for m in order_leaders([m for m in members if m.strip()], cast))


def order_leaders(names: Iterable[str], cast: Iterable[str] | None = None) -> list[str]:
    """Leaders in the cast's order (default: the 1924 cast), then any others alphabetically."""
    order = {n: i for i, n in enumerate(_key(c) for c in (cast if cast is not None else LEADERS))}
    return sorted({_key(n) for n in names if str(n).strip()}, key=lambda m: (order.get(m, 10**6), m))


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
