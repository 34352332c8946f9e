"""Every script in bench/ runs in its --quick mode (seconds), so none can rot; the shared timing helper is checked too."""
import importlib.util, os, subprocess, sys
from pathlib import Path
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from timing import compare, Timings

QUICK = {"bench_data.py": [], "bench_progan.py": ["--device", "cpu"], "bench_sampling.py": ["--device", "cpu"],
         "bench_train.py": ["--device", "cpu"], "bench_s3.py": []}


def test_every_script_is_listed():
    scripts = {p.name for p in BENCH.glob("*.py")} - {"timing.py", "gpu_smoke.py"}   # gpu_smoke needs CUDA: --help below
    assert scripts == set(QUICK), f"add {scripts - set(QUICK)} to QUICK (and give it a --quick mode)"


@pytest.mark.parametrize("script", sorted(QUICK))
def test_quick_run(script, tmp_path):
    if script == "bench_s3.py" and importlib.util.find_spec("moto") is None: pytest.skip("needs moto[server]")
    out = tmp_path / "res.json"
    r = subprocess.run([sys.executable, str(BENCH / script), "--quick", "--json", str(out), *QUICK[script]],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "interleaved rounds" in r.stdout and "paired" in r.stdout, r.stdout[-3000:]
    assert out.is_file() and out.stat().st_size > 0


def test_gpu_smoke_help():
    r = subprocess.run([sys.executable, str(BENCH / "gpu_smoke.py"), "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "--data" in r.stdout, r.stderr[-2000:]


def test_compare_interleaves_and_pairs():
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    res = compare(fns, reps=4, warmup=1)
    assert calls == ["a", "b"] + ["a", "b", "b", "a"] * 2           # warm-up, then alternating order
    assert set(res.times) == {"a", "b"} and all(len(v) == 4 for v in res.times.values())


def test_ratios():
    t = Timings({"base": [2.0, 4.0, 2.0], "fast": [1.0, 1.0, 2.0]}, items=10)
    assert t.ratios("fast") == [2.0, 4.0, 1.0]
    assert t.ratio("fast") == 2.0                                   # median of paired ratios
    assert t.best_ratio("fast") == 2.0                              # best base 2.0 / best fast 1.0
    assert t.rate("base") == 10 / 2.0
    assert "x (best)" in t.table("images/s") and "3 interleaved rounds" in t.table("images/s")
