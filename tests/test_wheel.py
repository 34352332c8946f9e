"""octgan outside a clone: build a wheel, install it into a fresh virtual environment and run the README's main job
(small) from an empty folder, where `data/phantom` exists only as the copy the wheel installed.

Skip with OCTGAN_SKIP_WHEEL_TEST=1 (it takes about a minute: a wheel build, a venv, a two-step training run)."""
import os, shutil, site, subprocess, sys, sysconfig, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.xdist_group("wheel"),
              pytest.mark.skipif(os.environ.get("OCTGAN_SKIP_WHEEL_TEST") == "1", reason="OCTGAN_SKIP_WHEEL_TEST=1")]
# what a wheel is built from: the package, its metadata and the data (a copy, so the build leaves no build/ in the clone)
SOURCES = ("setup.py", "settings.ini", "README.md", "LICENSE", "MANIFEST.in", "octgan", "data")


def _run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", **extra}


def _wheel(tmp: Path) -> Path:
    src = tmp / "src"
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir(): shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else: src.mkdir(exist_ok=True); shutil.copy2(p, src / name)
    # --no-build-isolation: build with this environment's setuptools, no download
    _run([sys.executable, "-m", "pip", "wheel", src, "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist"], env=_clean_env())
    wheels = list((tmp / "dist").glob("octgan-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _venv(tmp: Path) -> Path:
    "A fresh venv that sees this environment's packages (torch...) but not its octgan: only the wheel's."
    env = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", env])
    py = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # --system-site-packages reaches the base interpreter's packages, not those of the venv running this test: add
    # them with a .pth (plain paths: the .pth files in them, the editable octgan's among them, are not processed)
    purelib = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (purelib / "zz_octgan_test_parent_env.pth").write_text("\n".join(sorted(ours)) + "\n")
    return py


def test_wheel_carries_data_and_runs_readme_job(tmp_path):
    whl = _wheel(tmp_path)
    names = set(zipfile.ZipFile(whl).namelist())
    for f in sorted(p for p in (ROOT / "data").rglob("*") if p.is_file()):
        assert f"octgan/assets/data/{f.relative_to(ROOT / 'data').as_posix()}" in names, f"{f} is not in {whl.name}"
    assert "octgan/assets/data/mri/NOTICE.txt" in names
    assert any(n.endswith(".dist-info/LICENSE") or "/licenses/LICENSE" in n for n in names), "no LICENSE in the wheel"

    py = _venv(tmp_path)
    _run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", whl], env=_clean_env())
    work = tmp_path / "empty"; work.mkdir()
    env = _clean_env()
    r = _run([py, "-c", "import octgan, octgan.data; print(octgan.__file__)"], cwd=work, env=env)
    assert Path(r.stdout.strip()).is_relative_to(tmp_path / "venv"), f"octgan imported from {r.stdout.strip()}, not the wheel"
    octgan = [py, "-m", "octgan.cli"]
    r = _run([*octgan, "--version"], cwd=work, env=env)
    assert r.stdout.strip().startswith("octgan ")
    # the README's main job, small: no --data folder here, so the packaged phantoms are used (with a note)
    r = _run([*octgan, "train-progan", "--data", "data/phantom", "--out", "runs/progan", "--max-res", 8, "--epochs", "1,1",
              "--z-dim", 16, "--channels", 16, "--batch-size", 8, "--max-steps", 2, "--no-progress", "--sample-every", 0],
             cwd=work, env=env)
    assert "done: 2 steps" in r.stdout, r.stdout
    assert "using the copy installed with octgan" in r.stderr and str(tmp_path / "venv") in r.stderr, r.stderr
    assert list((work / "runs" / "progan" / "checkpoints").glob("ckpt_*.pt"))
    assert not (work / "data").exists()
    r = _run([*octgan, "generate", "runs/progan", "--n", 2, "--out", "gen"], cwd=work, env=env)
    assert len(list((work / "gen").glob("img_*.png"))) == 2
