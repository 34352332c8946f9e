"""Images/s of one ProGAN training step (critic + generator, WGAN-GP) at 32² and 64², batch 16, per precision.

The precisions of a resolution are timed interleaved over repetitions in one process (`bench/timing.py`), and the
median of paired ratios against fp32 is printed, so figures from different (or busy) machines are comparable. On
CUDA it also prints the peak memory of a step per resolution and precision.

    python bench/bench_progan.py                    # this machine's best device
    python bench/bench_progan.py --device cpu --channels 128 --reps 9
    python bench/bench_progan.py --compile          # adds fp32 + torch.compile (skipped with a note if it fails)
    python bench/bench_progan.py --quick            # a few seconds
"""
import argparse, sys, tempfile
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import add_timing_args, compare, machine, reps_of, write_json
from octgan.core import get_device, seed_everything
from octgan.progan import ProGANTask, build_progan, steps_for
from octgan.train import Trainer, TrainConfig, Phase

_TMP = tempfile.TemporaryDirectory(prefix="octgan-bench-progan-")   # run folders of the trainers; removed at exit


class RandomImages(torch.utils.data.Dataset):
    def __init__(self, n, res): self.x = torch.rand(n, 1, res, res) * 2 - 1
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], 0


def progan_step(res, precision, channels, batch, device, compile_=False):
    "A no-argument callable running one ProGAN training step at `res` (fade-in on), and its trainer."
    seed_everything(0)
    G, D = build_progan(channels, channels, 1, max_resolution=max(512, res))
    if compile_: G.compile(); D.compile()
    task = ProGANTask(G, D, channels)
    cfg = TrainConfig(out_dir=tempfile.mkdtemp(dir=_TMP.name), precision=precision, device=str(device),
                      progress=False, tensorboard=False, sample_every=0, ckpt_every=0, ema_decay=0.999, log_every=10**9)
    phase = Phase(RandomImages(batch * 4, res), batch_size=batch, info={"steps": steps_for(res), "fade": True})
    tr = Trainer(task, phase, cfg)
    task.before_phase(phase, tr)
    b = (phase.dataset.x[:batch].to(device), torch.zeros(batch))
    return lambda: task.train_batch(b, tr)


def peak_gib(fn, device) -> float:
    if device.type != "cuda": return float("nan")
    torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); fn(); torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() / 2**30


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default=None)
    ap.add_argument("--channels", type=int, default=256, help="z_dim and in_channels (256: the original ProGAN's 512 halved)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--res", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    ap.add_argument("--compile", action="store_true", help="also time fp32 with torch.compile (skipped if it fails)")
    add_timing_args(ap, reps=7)
    args = ap.parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    if args.quick: args.channels, args.batch, args.res = min(args.channels, 32), min(args.batch, 4), [8, 16]
    device = get_device(args.device)
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else None
    precisions = ["fp32", "bf16"] + (["fp16"] if device.type == "cuda" else [])
    print(f"{machine()}\nProGAN training step, batch {args.batch}, channels {args.channels}, device {device}")
    results, summary = {}, []
    for res in args.res:
        fns = {p: progan_step(res, p, args.channels, args.batch, device) for p in precisions}
        if args.compile:
            try:
                f = progan_step(res, "fp32", args.channels, args.batch, device, compile_=True); f()
                fns["fp32+compile"] = f
            except Exception as e:    # e.g. the gradient penalty's double backward, which compiled graphs lack
                print(f"{res}²: torch.compile skipped ({type(e).__name__}: {str(e).strip().splitlines()[0][:160]})")
        mem = {p: peak_gib(f, device) for p, f in fns.items()}
        r = results[f"{res}"] = compare(fns, reps=reps_of(args), warmup=args.warmup, items=args.batch, sync=sync)
        print(r.table("images/s", f"\n{res}x{res}:"))
        if device.type == "cuda": print("  peak GiB per step: " + ", ".join(f"{p} {m:.2f}" for p, m in mem.items()))
        summary.append((res, r))
    print("\nsummary: " + "; ".join(f"{res}² fp32 {r.rate('fp32'):.1f} img/s, " +
                                    ", ".join(f"{k} {r.ratio(k):.2f}x" for k in r.times if k != 'fp32') for res, r in summary))
    write_json(args.json, results)


if __name__ == "__main__":
    main()
