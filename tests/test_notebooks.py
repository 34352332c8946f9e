"""Every notebook in nbs/ is a test: run each one (as `nbdev_test` does) so pytest reports a count and a summary."""
import os
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT / "nbs").rglob("*.ipynb")
             if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT / "nbs").parts))

@pytest.mark.parametrize("nb", NBS, ids=[str(p.relative_to(ROOT / "nbs")) for p in NBS])
def test_notebook(nb, monkeypatch):
    from nbdev.config import get_config
    from nbdev.test import test_nb
    monkeypatch.chdir(nb.parent)  # notebooks run from their own folder, as in Jupyter
    monkeypatch.setenv("MPLBACKEND", "Agg")
    flags = get_config(path=ROOT).tst_flags.split()
    ok, secs = test_nb(nb, skip_flags=flags, force_flags=[], do_print=False, showerr=True, basepath=ROOT)
    assert ok, f"{nb.name} failed (see the traceback above)"
