"""The README's main job, run with its exact settings: its EMA samples (what `octgan generate` draws) must be at least
as close to held-out phantoms as the raw generator's, by the row profile (the retina's layers) and by domain FID."""
import re, shlex
from pathlib import Path
import torch, torch.nn.functional as F
import octgan
from octgan.cli import build_parser
from octgan.families import get_family
from octgan.metrics import fid
from octgan.phantom import phantom_batch
from octgan.progan import row_profile_distance

ROOT = Path(__file__).resolve().parents[1]

def readme_train_args() -> list[str]:
    "The arguments of the `octgan train-progan` call in the README's first command."
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    first = block.splitlines()[0]
    call = first[first.index("octgan train-progan"):].split("&&")[0]
    return shlex.split(call)[1:]

def test_readme_main_job_samples_from_a_useful_ema(tmp_path):
    args = readme_train_args()
    a = build_parser().parse_args(args + ["--out", str(tmp_path / "run"), "--no-progress"])
    a.data = str(ROOT / a.data)
    a.func(a)                                                    # exactly what the README's command runs
    ema, raw = octgan.load(tmp_path / "run"), octgan.load(tmp_path / "run", ema=False)
    assert ema.ema and not raw.ema
    n = 200
    real, _ = phantom_batch(n, size=(128, 128), seed=1)         # held out: the shipped set is seed 0
    size = ema.sample(1).shape[-1]
    real = F.interpolate(real, size=(size, size), mode="area")
    fake_ema, fake_raw = ema.sample(n, seed=0), raw.sample(n, seed=0)
    d_ema, d_raw = row_profile_distance(fake_ema, real), row_profile_distance(fake_raw, real)
    f_ema, f_raw = fid(fake_ema, real, feature="domain"), fid(fake_raw, real, feature="domain")
    print(f"row profile: EMA {d_ema:.3f}, raw {d_raw:.3f}; domain FID: EMA {f_ema:.2f}, raw {f_raw:.2f}")
    assert d_ema <= d_raw, (d_ema, d_raw)
    assert f_ema <= f_raw, (f_ema, f_raw)
