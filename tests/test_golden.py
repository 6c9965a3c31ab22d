"""Golden tables: every shipped scenario's tables stay byte-identical unless outputs change on purpose.

A refactor must leave these files untouched; a deliberate change regenerates them with
`tests/golden/regenerate.py` and says why in its commit.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_REGENERATE = Path(__file__).parent / "golden" / "regenerate.py"
_spec = importlib.util.spec_from_file_location("golden_regenerate", _REGENERATE)
assert _spec is not None and _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("scenario", golden.scenarios(), ids=lambda p: p.stem)
def test_tables_match_golden(scenario: Path, tmp_path: Path) -> None:
    expected = golden.GOLDEN / scenario.stem
    assert expected.is_dir(), f"no golden tables for {scenario.stem}: run tests/golden/regenerate.py"
    out = tmp_path / "out"
    golden.run_into(scenario, out)
    for table in golden.TABLES:
        got, want = (out / table).read_bytes(), (expected / table).read_bytes()
        assert got == want, f"{scenario.stem}/{table} differs from the golden table"
