"""Run notebooks with nbdev_test's skip rules, in two ways that share one decision of what to skip:

- `execute_notebook`: in-process with execnb, no Jupyter kernel, exactly as `nbdev_test` runs them. The docs workflow
  uses it to fill the notebooks' outputs before `nbdev_docs` (which renders the outputs a notebook holds and executes
  only `show_doc` cells). No kernel means no live widget: `octgan.widgets` explorers then output only their static
  HTML twin, which is what Quarto can render.
- `execute_in_kernel`: through a real Jupyter kernel (nbclient + ipykernel), as readers run them in JupyterLab, Colab
  or with `jupyter nbconvert --execute`. tests/test_notebooks.py runs every notebook this way.

    python tests/execute_nbs.py nbs                       # every notebook, in-process, outputs written back in place
    python tests/execute_nbs.py nbs/index.ipynb --dest /tmp/out
    python tests/execute_nbs.py nbs --kernel --dest /tmp/out   # through a kernel (widget views, not static twins)

What is skipped is what nbdev 2's `test_nb` skips: a notebook whose frontmatter says `skip_exec: true` (or whose kernel
is not Python); in the others, cells that are not code, that call `nbdev_export(`, that say `#| eval: false`, or that
carry one of settings.ini's `tst_flags` as a directive (`#| notest`, `#| slow`, ...). nbdev 2 has no notebook-level
flag (nbdev 1's `#all_slow`): `skip_exec` is the notebook-level switch.
"""
from __future__ import annotations
import argparse, os, re, sys, time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 900          # seconds per cell in a kernel: the slowest CPU cell takes well under a minute

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
    "Notebooks under `path` (or `path` itself) that nbdev_test runs: no `_`/`.` files or folders, none beside a `.notest` file."
    path = Path(path)
    if path.is_file(): return [path]
    return sorted(p for p in path.rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)
                  and not (p.parent / ".notest").exists())

def skips_notebook(src) -> bool:
    "True where nbdev_test runs none of the notebook: `skip_exec: true` in its frontmatter, or a kernel other than Python."
    from nbdev.process import NBProcessor, nb_lang
    from nbdev.frontmatter import FrontmatterProc
    from fastcore.basics import str2bool
    nb = NBProcessor(Path(src), procs=FrontmatterProc, process=True).nb
    return str2bool(getattr(nb, "frontmatter_", {}).get("skip_exec", False)) or nb_lang(nb) != "python"

def skips_cell(cell, flags) -> bool:
    "True for a cell that nbdev_test does not run (`cell`: an execnb or nbformat cell; `flags`: the flags to skip)."
    from nbdev.process import extract_directives
    from fastcore.basics import AttrDict
    if cell["cell_type"] != "code": return True
    src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    c = AttrDict(source=src)
    d = extract_directives(c, remove=True)          # as nbdev: the `nbdev_export(` test sees the source without directives
    if "nbdev_export" + "(" in c.source: return True
    if d.get("eval:", [""])[0].lower() == "false": return True
    return bool(set(flags) & d.keys())

def execute_notebook(src, dest=None, flags=None):
    "Run `src` cell by cell with execnb (no kernel; flagged cells skipped), from its own folder; write it with outputs to `dest`."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    src = Path(src).resolve()
    flags = set(skip_flags() if flags is None else flags)
    nb = read_nb(src)
    if not skips_notebook(src):
        os.environ.setdefault("MPLBACKEND", "Agg")
        os.environ["IN_TEST"] = "1"          # as nbdev_test and nbdev's docs processing set it: notebooks keep to temp dirs
        shell = CaptureShell(src)
        with _cwd(src.parent):
            try: shell.run_all(nb, exc_stop=True, preproc=lambda c: skips_cell(c, flags))
            except BaseException as e: raise RuntimeError(shell.prettytb(fname=src)) from e
    if dest is not None:
        dest = Path(dest)
        if dest.is_dir(): dest = dest / src.name
        write_nb(nb, dest)
    return nb

# ------------------------------------------------------------------------------------------------ through a kernel
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

class NotebookFailed(Exception):
    "A notebook stopped in a kernel: which cell, its first lines, and the kernel's traceback (no ANSI colours)."
    def __init__(self, src, index, cell, error):
        self.index, self.cell = index, cell
        head = "\n".join(cell["source"].splitlines()[:12]) if cell is not None else ""
        errs = [o for o in (cell or {}).get("outputs", []) if o.get("output_type") == "error"]
        # the kernel's own traceback (nbclient's message would repeat the whole cell); a timeout or dead kernel has none
        tb = "\n".join(errs[-1]["traceback"]) if errs else ""
        if type(error).__name__ != "CellExecutionError": tb = f"{type(error).__name__}: {error}\n{tb}"   # a timeout, a dead kernel
        tb = _ANSI.sub("", tb)
        where = f"cell {index} (id {cell.get('id')})" if cell is not None else "before the first cell ran"
        super().__init__(f"{src} failed in a Jupyter kernel at {where}:\n----- cell source (head)\n{head}\n"
                         f"----- traceback\n{tb.strip()}")

def kernel_env(**extra) -> dict:
    "The kernel's environment: this one, plus headless matplotlib and nbdev_test's IN_TEST (notebooks keep to temp dirs)."
    env = {**os.environ, "MPLBACKEND": "Agg", "IN_TEST": "1", **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)   # as test_nb's basepath
    return env

def execute_in_kernel(src, dest=None, flags=None, timeout=CELL_TIMEOUT, env=None, kernel_name="python3"):
    """Run `src` top to bottom in a fresh Jupyter kernel (ipykernel via nbclient), from its own folder, skipping the cells
    nbdev_test skips; write it with its outputs to `dest`. Raises `NotebookFailed` naming the first cell that fails."""
    import nbformat
    from nbclient import NotebookClient
    src = Path(src).resolve()
    flags = set(skip_flags() if flags is None else flags)
    nb = nbformat.read(str(src), as_version=4)
    if not skips_notebook(src):
        state = {"index": None}

        class Client(NotebookClient):
            async def async_execute_cell(self, cell, cell_index, *args, **kw):
                if skips_cell(cell, flags): return cell
                state["index"] = cell_index
                return await super().async_execute_cell(cell, cell_index, *args, **kw)

        client = Client(nb, timeout=timeout, startup_timeout=120, kernel_name=kernel_name, allow_errors=False,
                        resources={"metadata": {"path": str(src.parent)}}, record_timing=False)
        try: client.execute(env=kernel_env() if env is None else env)
        except Exception as e:
            i = state["index"]
            raise NotebookFailed(src, i, nb.cells[i] if i is not None else None, e) from None
    if dest is not None:
        dest = Path(dest)
        if dest.is_dir(): dest = dest / src.name
        nbformat.write(nb, str(dest))
    return nb

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="a notebook, or a folder of notebooks")
    ap.add_argument("--dest", help="folder for the executed notebooks (default: overwrite them in place)")
    ap.add_argument("--kernel", action="store_true", help="run through a Jupyter kernel instead of in-process")
    ap.add_argument("--flags", default="", help="test flags whose cells run too, as `nbdev_test --flags` (e.g. 'slow')")
    a = ap.parse_args()
    run = execute_in_kernel if a.kernel else execute_notebook
    flags = set(skip_flags()) - set(a.flags.split())
    for nb in notebooks(a.path):
        t0 = time.time()
        dest = Path(a.dest) / nb.relative_to(Path(a.path)) if a.dest and Path(a.path).is_dir() else (Path(a.dest) if a.dest else nb)
        if a.dest and Path(a.path).is_dir(): dest.parent.mkdir(parents=True, exist_ok=True)
        run(nb, dest, flags=flags)
        print(f"{nb}: {time.time() - t0:.1f} s", flush=True)
