"""Every notebook in nbs/ (tutorials included) is a test: it runs top to bottom in a real Jupyter kernel (ipykernel,
through nbclient), from its own folder, as readers run it in JupyterLab, Colab or with `jupyter nbconvert --execute`,
skipping the cells `nbdev_test` skips (settings.ini's `tst_flags`, `#| eval: false`; see tests/execute_nbs.py).

A check that holds only in-process (nbdev's execnb runner, which has no kernel) fails here. The in-process run is
still what the docs build uses (tests/execute_nbs.py) and what `nbdev_test` does; tests/test_docs.py covers it for the
notebooks whose outputs differ without a kernel (the widgets' static twins)."""
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from execute_nbs import notebooks, execute_in_kernel, skip_flags, NotebookFailed

# the longest notebooks first, so that pytest-xdist's two workers finish together instead of one waiting on the last
LONGEST = ("13_cli", "15c_tstr", "14_compare", "15_masks", "08c_latent_diffusion", "05_train")
NBS = sorted(notebooks(ROOT / "nbs"), key=lambda p: (LONGEST.index(p.stem) if p.stem in LONGEST else len(LONGEST), str(p)))

@pytest.mark.parametrize("nb", NBS, ids=[str(p.relative_to(ROOT / "nbs")) for p in NBS])
def test_notebook(nb, request):
    flags = set(skip_flags()) - set(request.config.getoption("--nb-flags").split())   # `pytest --nb-flags slow` runs them
    try: execute_in_kernel(nb, flags=flags)
    except NotebookFailed as e: pytest.fail(str(e), pytrace=False)

def _probe_notebook(path, head=()):
    "A notebook whose code cells each append their name to ran.txt (in the notebook's folder), one per way to flag a cell."
    import nbformat
    log = "open('ran.txt', 'a').write({!r} + ' ')"
    cells = [nbformat.v4.new_code_cell(src + "\n" + log.format(name)) for name, src in [
        ("plain", "x = 1"), ("notest", "#| notest"), ("slow_nospace", "#|slow"), ("gpu_hidden", "#| hide\n#| gpu"),
        ("eval_false", "#| eval: false"), ("eval_false_nospace", "#|eval:false"), ("eval_true", "#| eval: true"),
        ("export", "#| export\ndef f(): return 1"), ("hide", "#| hide"), ("flag_in_body", "y = 2\n#| notest"),
        ("calls_nbdev_export", "if False: nbdev_export()"), ("last", "")]]
    nb = nbformat.v4.new_notebook(cells=[*head, nbformat.v4.new_markdown_cell("# Probe\n\n> skip rules"), *cells],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(path))
    return path

def _ran(folder):
    f = folder / "ran.txt"
    out = f.read_text().split() if f.exists() else []
    f.unlink(missing_ok=True)
    return out

def test_kernel_runner_skips_what_nbdev_test_skips(tmp_path):
    "The kernel runner, the docs' in-process runner and nbdev's own test_nb run exactly the same cells."
    import nbformat
    from nbdev.test import test_nb
    from execute_nbs import execute_notebook
    nb = _probe_notebook(tmp_path / "probe.ipynb")
    flags = skip_flags()
    ok, _ = test_nb(nb, skip_flags=flags, force_flags=[], showerr=True); assert ok
    ran = _ran(tmp_path)
    assert ran == ["plain", "eval_true", "export", "hide", "flag_in_body", "last"], ran
    execute_in_kernel(nb); assert _ran(tmp_path) == ran
    execute_notebook(nb); assert _ran(tmp_path) == ran
    execute_in_kernel(nb, flags=set(flags) - {"slow"}); assert _ran(tmp_path) == ["plain", "slow_nospace", *ran[1:]]
    # a notebook whose frontmatter says skip_exec runs no cell, in any runner
    skipped = _probe_notebook(tmp_path / "skipped.ipynb", head=[nbformat.v4.new_raw_cell("---\nskip_exec: true\n---")])
    ok, _ = test_nb(skipped, skip_flags=flags, force_flags=[], showerr=True); assert ok
    execute_in_kernel(skipped); execute_notebook(skipped)
    assert _ran(tmp_path) == []

def test_a_failing_cell_is_named_with_its_source_and_traceback(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nassert os.environ['MPLBACKEND'] == 'Agg'"),
                                         nbformat.v4.new_code_cell("def f(): return 1 / 0\n\nf()")],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(tmp_path / "bad.ipynb"))
    with pytest.raises(NotebookFailed) as e: execute_in_kernel(tmp_path / "bad.ipynb")
    msg = str(e.value)
    assert e.value.index == 1 and "def f(): return 1 / 0" in msg and "ZeroDivisionError" in msg and "\x1b[" not in msg
