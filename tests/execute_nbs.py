"""Execute notebooks the way `nbdev_test` does (in-process, no Jupyter kernel, cells flagged with the `tst_flags` of
settings.ini skipped) and keep their outputs, so the docs show figures and the widgets' static twins.

    python tests/execute_nbs.py nbs            # every notebook under nbs/, outputs written back in place
    python tests/execute_nbs.py nbs/index.ipynb --dest /tmp/out

The docs workflow runs it before `nbdev_docs` (which renders notebooks with the outputs they hold: it executes
only `show_doc` cells). No kernel means no live widget: `octgan.widgets` explorers then output only their static
HTML twin, which is what Quarto can render.
"""
from __future__ import annotations
import argparse, os, sys, time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

@contextmanager
def _cwd(path):
    old = os.getcwd(); os.chdir(path)
    try: yield
    finally: os.chdir(old)

def skip_flags() -> list[str]:
    "The flags (settings.ini `tst_flags`) whose cells nbdev_test skips."
    from nbdev.config import get_config
    return get_config(path=ROOT).tst_flags.split()

def notebooks(path) -> list[Path]:
    "Notebooks under `path` (or `path` itself), skipping `_`/`.` files and folders as nbdev does."
    path = Path(path)
    if path.is_file(): return [path]
    return sorted(p for p in path.rglob("*.ipynb") if not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts))

def execute_notebook(src, dest=None, flags=None):
    "Run `src` cell by cell with execnb (skipping flagged cells), from its own folder; write it with outputs to `dest`."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from nbdev.process import extract_directives
    from fastcore.basics import AttrDict
    src = Path(src).resolve()
    flags = set(skip_flags() if flags is None else flags)
    nb = read_nb(src)
    def skip(cell):
        if cell.cell_type != "code": return True
        d = extract_directives(AttrDict(source=cell.source), remove=False)
        if d.get("eval:", [""])[0].lower() == "false": return True
        return bool(flags & d.keys())
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["IN_TEST"] = "1"          # as nbdev_test and nbdev's docs processing set it: notebooks keep to temp dirs
    shell = CaptureShell(src)
    with _cwd(src.parent):
        try: shell.run_all(nb, exc_stop=True, preproc=skip)
        except BaseException as e: raise RuntimeError(shell.prettytb(fname=src)) from e
    if dest is not None:
        dest = Path(dest)
        if dest.is_dir(): dest = dest / src.name
        write_nb(nb, dest)
    return nb

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="a notebook, or a folder of notebooks")
    ap.add_argument("--dest", help="folder for the executed notebooks (default: overwrite them in place)")
    a = ap.parse_args()
    for nb in notebooks(a.path):
        t0 = time.time()
        dest = Path(a.dest) / nb.relative_to(Path(a.path)) if a.dest and Path(a.path).is_dir() else (Path(a.dest) if a.dest else nb)
        if a.dest and Path(a.path).is_dir(): dest.parent.mkdir(parents=True, exist_ok=True)
        execute_notebook(nb, dest)
        print(f"{nb}: {time.time() - t0:.1f} s", flush=True)
