"""Images/s of one training step of every model family, fp32 against bf16 autocast (and `torch.compile` with --compile).

Each family is built by its own `train_<family>(..., fit=False)` on random images, so the step timed is exactly the
Trainer's (optimizers, EMA, autocast, the family's losses); for ProGAN the last phase (the full resolution, fade-in)
is timed. The variants of a family are timed interleaved over repetitions (`bench/timing.py`); ratios are speeds
against fp32, above 1 meaning faster.

    python bench/bench_train.py                                  # every family at 32x32, batch 16
    python bench/bench_train.py --families dcgan progan --size 64 --reps 9
    python bench/bench_train.py --families dcgan --compile       # adds eager vs torch.compile (skipped if it fails)
    python bench/bench_train.py --quick                          # a few seconds a family

bf16 pays off on CPUs with bf16 instructions (`avx512_bf16` or `amx_bf16` in /proc/cpuinfo, e.g. AMD Zen 4 and later,
Intel Cooper Lake / Sapphire Rapids and later); without them bf16 is emulated and far slower than fp32. Measured on
the 2-core development CPU (AMD EPYC with avx512_bf16, shared, OMP_NUM_THREADS=1), default settings, 7 rounds, bf16
speed against fp32 (median of paired ratios): dcgan 1.25x (1.12x in a second run), ddgan 1.23x, diffusion 1.28x,
diffusion_gan 1.52x, progan 1.42x. The same with oneDNN kept off its bf16 kernels (`ONEDNN_MAX_CPU_ISA=AVX2`, which
stands in for a CPU without them): dcgan 0.10x, progan 0.07x, diffusion 0.07x. At toy sizes (16x16, batch 4, the
--quick run) bf16 is about even or slower: the casts cost more than the small matrix products save.
"""
from __future__ import annotations
import argparse, sys, tempfile, warnings
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import add_timing_args, compare, machine, reps_of, write_json
from octgan.core import get_device, seed_everything
from octgan.families import family_names, get_family

# a small model of each family, so that a CPU step takes a fraction of a second (the families' defaults are GPU-sized)
SMALL = {"progan": dict(z_dim=64, in_channels=64), "dcgan": dict(base_channels=32, z_dim=64),
         "diffusion": dict(unet_kwargs=dict(base=32, channel_mults=(1, 2, 2), attn_resolutions=(8,))),
         "diffusion_gan": dict(unet_kwargs=dict(base=32, channel_mults=(1, 2, 2), attn_resolutions=(8,))),
         "ddgan": dict(unet_kwargs=dict(base=32, channel_mults=(1, 2, 2), attn_resolutions=(8,)))}

_TMP = tempfile.TemporaryDirectory(prefix="octgan-bench-train-")   # run folders of the trainers; removed at exit


class RandomImages(torch.utils.data.Dataset):
    def __init__(self, n, size): self.x = torch.rand(n, 1, size, size, generator=torch.Generator().manual_seed(0)) * 2 - 1
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], 0


def cpu_has_bf16() -> bool:
    "Whether this CPU has bf16 arithmetic (AVX512_BF16 or AMX): without it, bf16 autocast is emulated and slow."
    try: flags = open("/proc/cpuinfo").read()
    except OSError: return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def train_step(family: str, size: int, batch: int, precision: str, device, compile_: bool = False, small: bool = True):
    "A no-argument callable that runs one training step of `family` (and the trainer behind it)."
    seed_everything(0)
    kw = dict(SMALL.get(family, {})) if small else {}
    out = tempfile.mkdtemp(prefix=f"{family}-", dir=_TMP.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tr = get_family(family).train(RandomImages(batch * 2, size), out, size=size, batch_size=batch, epochs=1, fit=False,
                                      precision=precision, device=str(device), progress=False, tensorboard=False,
                                      sample_every=0, ckpt_every=0, log_every=10**9, **kw)
    tr.phase_idx = len(tr.phases) - 1
    phase = tr.phases[-1]
    tr.task.before_phase(phase, tr)
    xb = torch.stack([phase.dataset[i][0] for i in range(phase.batch_size)]).to(device)
    b = (xb, torch.zeros(len(xb), dtype=torch.long, device=device))
    if compile_:
        for m in tr.models.values(): m.compile()
    return lambda: tr.task.train_batch(b, tr), phase.batch_size


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--families", nargs="+", default=None, help=f"default: all ({', '.join(family_names())})")
    p.add_argument("--device", default="cpu")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--precisions", nargs="+", default=None, help="default: fp32 bf16 (and fp16 on CUDA)")
    p.add_argument("--compile", action="store_true", help="also time fp32 with torch.compile (skipped if it fails)")
    p.add_argument("--full-size", action="store_true", help="the families' default widths instead of small models")
    add_timing_args(p, reps=7)
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    device = get_device(a.device)
    size, batch = (16, 4) if a.quick else (a.size, a.batch)
    precisions = a.precisions or (["fp32", "bf16"] + (["fp16"] if device.type == "cuda" else []))
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else None
    print(f"{machine()}\ndevice {device}; bf16 instructions on this CPU: {cpu_has_bf16()}; "
          f"{size}x{size}, batch {batch}, {'full-size' if a.full_size else 'small'} models")
    results = {}
    for fam in a.families or family_names():
        fns, n = {}, batch
        try:
            for prec in precisions: fns[prec], n = train_step(fam, size, batch, prec, device, small=not a.full_size)
        except Exception as e:                                    # a family added later may want other arguments
            print(f"\n{fam}: skipped ({type(e).__name__}: {str(e).strip().splitlines()[0][:160]})")
            continue
        if a.compile:
            try:
                f, _ = train_step(fam, size, batch, precisions[0], device, compile_=True, small=not a.full_size)
                f()                                                   # compiles here; a failure skips the variant
                fns[f"{precisions[0]}+compile"] = f
            except Exception as e:
                print(f"{fam}: torch.compile skipped ({type(e).__name__}: {str(e).strip().splitlines()[0][:160]})")
        results[fam] = compare(fns, reps=reps_of(a), warmup=a.warmup, items=n, sync=sync)
        print(results[fam].table("images/s", f"\n{fam} (training step, batch {n}):"))
    print("\nsummary (median paired speed ratio against " + precisions[0] + "):")
    for fam, r in results.items():
        print(f"  {fam:<14} " + "  ".join(f"{k} {r.ratio(k):.2f}x ({r.rate(k):.1f} img/s)" for k in r.times if k != r.baseline))
    write_json(a.json, results)


if __name__ == "__main__":
    main()
