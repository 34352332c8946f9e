#!/usr/bin/env python
"""Time sampling 16 images at 64x64 with DDPM-1000, DDIM-50 and the 4-step diffusion-GAN generator, and print ratios.

    python bench/bench_sampling.py --device cuda            # the real measurement (GPU)
    python bench/bench_sampling.py --cpu-run                # the CPU measurement, a few minutes
    python bench/bench_sampling.py --quick                  # a few seconds: tiny sizes, to check the script runs

Every sampler costs one network evaluation per step on the same shapes, so the time is (almost exactly) linear in
the number of steps. `--cpu-run` uses that: it runs only the first `--partial-ddpm-steps` (default 10) of DDPM's 1000
steps, and reports DDPM-1000 as that time extrapolated per step (marked "extrapolated"); it also uses a smaller UNet
(`--base 32`) unless `--base` is given, and one CPU thread unless `--threads` is given (on a CPU shared with other
jobs, two spinning OpenMP threads are much slower and much noisier than one). DDIM-50 and the few-step generator
always run in full. The samplers are timed interleaved over `--reps` rounds (`bench/timing.py`), and the speed-ups
printed are medians of per-round ratios against DDPM.

The networks are untrained (timing does not depend on the weights): the DDPM/DDIM UNet and the few-step generator
(the same UNet with a latent `z`, as in `octgan.diffusion_gan.DDGANTask`) have the same architecture.
"""
from __future__ import annotations
import argparse, sys
from contextlib import nullcontext
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import add_timing_args, compare, machine, reps_of, write_json
from octgan.core import get_device, seed_everything
from octgan.diffusion import NoiseScheduler, UNet, sample
from octgan.ddgan import few_step_scheduler, sample_few_step


@torch.inference_mode()
def ddpm_partial(model, sched, noise, steps: int, generator):
    "The first `steps` steps of DDPM sampling: the same loop body as octgan.diffusion.sample(method='ddpm')."
    x, n, T = noise, noise.shape[0], sched.num_train_timesteps
    for t in range(T - 1, T - 1 - steps, -1):
        x = sched.step_ddpm(model(x, torch.full((n,), t, device=x.device)), t, x, generator).prev_sample
    return x


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default=None, help="cuda, cpu, mps (default: best available)")
    p.add_argument("--cpu-run", action="store_true", help="CPU measurement: few DDPM steps, extrapolated; base 32")
    p.add_argument("--partial-ddpm-steps", type=int, default=10, help="DDPM steps run with --cpu-run or --quick")
    p.add_argument("--n", type=int, default=16, help="images per batch")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--base", type=int, default=None, help="UNet base channels (default 64; 32 with --cpu-run)")
    p.add_argument("--channel-mults", default="1,2,2,2")
    p.add_argument("--attn", default="16", help="attention resolutions, comma-separated ('' for none)")
    p.add_argument("--ddim-steps", type=int, default=50)
    p.add_argument("--few-steps", type=int, default=4)
    p.add_argument("--z-dim", type=int, default=100)
    p.add_argument("--precision", choices=("fp32", "bf16", "fp16"), default="fp32")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's; 1 with --cpu-run)")
    add_timing_args(p, reps=3)
    a = p.parse_args(argv)
    if a.quick:
        a.cpu_run, a.n, a.size, a.ddim_steps, a.partial_ddpm_steps = True, 2, 16, 5, 2
        a.base, a.channel_mults, a.attn = a.base or 16, "1,2", "8"

    device = get_device(a.device)
    threads = a.threads or (1 if a.cpu_run else None)
    if threads: torch.set_num_threads(threads)
    base = a.base or (32 if a.cpu_run else 64)
    mults = tuple(int(m) for m in a.channel_mults.split(","))
    attn = tuple(int(r) for r in a.attn.split(",") if r.strip())
    seed_everything(0)
    unet = UNet(1, 1, base=base, channel_mults=mults, attn_resolutions=attn).to(device).eval()
    gen = UNet(1, 1, base=base, channel_mults=mults, attn_resolutions=attn, z_dim=a.z_dim).to(device).eval()
    sched, fsched = NoiseScheduler(), few_step_scheduler(a.few_steps)
    T = sched.num_train_timesteps
    g = torch.Generator(device=device).manual_seed(0)
    noise = torch.randn((a.n, 1, a.size, a.size), generator=g, device=device)
    amp = (torch.autocast(device.type, dtype=torch.bfloat16 if a.precision == "bf16" else torch.float16)
           if a.precision != "fp32" else nullcontext())
    nparams = sum(p.numel() for p in unet.parameters())
    print(f"device {device} ({torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'}), torch {torch.__version__}, "
          f"{a.precision}, threads {torch.get_num_threads()}")
    print(f"UNet base={base} mults={mults} attn={attn}: {nparams / 1e6:.2f} M parameters; {a.n} images at {a.size}x{a.size}")

    ddpm_steps = min(a.partial_ddpm_steps, T) if a.cpu_run else T
    full = lambda: sample(unet, sched, noise=noise, method="ddpm", generator=g)
    with amp:
        fns = {f"DDPM-{T}": full if ddpm_steps == T else (lambda: ddpm_partial(unet, sched, noise, ddpm_steps, g)),
               f"DDIM-{a.ddim_steps}": lambda: sample(unet, sched, noise=noise, method="ddim", steps=a.ddim_steps),
               f"few-step-{a.few_steps}": lambda: sample_few_step(gen, fsched, noise=noise, generator=g)}
        ddpm_partial(unet, sched, noise, 2, g)                        # warm-up: kernels, autotuning, allocator
        sample_few_step(gen, fsched, noise=noise, generator=g)
        sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else None
        res = compare(fns, reps=reps_of(a), warmup=0, items=a.n, sync=sync)
    name = f"DDPM-{T}"
    res.times[name] = [t * T / ddpm_steps for t in res.times[name]]   # per-step extrapolation (1 if run in full)
    calls = {name: T, f"DDIM-{a.ddim_steps}": a.ddim_steps, f"few-step-{a.few_steps}": a.few_steps}
    note = "" if ddpm_steps == T else f"  (DDPM-{T} extrapolated from {ddpm_steps} steps)"
    print(res.table("images/s", f"\nsampling {a.n} images{note}:"))
    print(f"\n{'sampler':<14}{'net calls':>10}{'seconds':>11}{'ms/call':>10}{'speed-up vs DDPM':>19}")
    for k, c in calls.items():
        print(f"{k:<14}{c:>10}{res.median(k):>11.3f}{1000 * res.median(k) / c:>10.2f}{res.ratio(k):>18.1f}x")
    write_json(a.json, {"sampling": res, "config": {"device": str(device), "base": base, "n": a.n, "size": a.size,
                                                    "precision": a.precision, "ddpm_steps_run": ddpm_steps}})


if __name__ == "__main__":
    main()
