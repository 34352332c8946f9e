#!/usr/bin/env python
"""Time sampling 16 images at 64x64 with DDPM-1000, DDIM-50 and the 4-step diffusion-GAN generator, and print ratios.

    python bench/bench_sampling.py --device cuda            # the real measurement (GPU)
    python bench/bench_sampling.py --quick                  # CPU smoke run, ~1-2 minutes

Every sampler costs one network evaluation per step on the same shapes, so the time is (almost exactly) linear in
the number of steps. `--quick` uses that: it runs only the first `--quick-ddpm-steps` (default 10) of DDPM's 1000
steps, and reports DDPM-1000 as that time extrapolated per step (marked "extrapolated"); it also uses a smaller UNet
(`--base 32`) unless `--base` is given, and one CPU thread unless `--threads` is given (on a CPU shared with other
jobs, two spinning OpenMP threads are much slower and much noisier than one). DDIM-50 and the few-step generator
always run in full.

The networks are untrained (timing does not depend on the weights): the DDPM/DDIM UNet and the few-step generator
(the same UNet with a latent `z`, as in `octgan.diffusion_gan.DDGANTask`) have the same architecture.
"""
from __future__ import annotations
import argparse, json, time
from contextlib import nullcontext
import torch
from octgan.core import get_device, seed_everything
from octgan.diffusion import NoiseScheduler, UNet, sample
from octgan.ddgan import few_step_scheduler, sample_few_step


def sync(device):
    if device.type == "cuda": torch.cuda.synchronize(device)


def timed(fn, device, repeats: int) -> float:
    "Best wall time of `repeats` runs of fn() (after one untimed warm-up run of a single step, done by the caller)."
    best = float("inf")
    for _ in range(repeats):
        sync(device); t0 = time.perf_counter(); fn(); sync(device)
        best = min(best, time.perf_counter() - t0)
    return best


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
    p.add_argument("--quick", action="store_true", help="CPU smoke run: few DDPM steps, extrapolated; base 32")
    p.add_argument("--quick-ddpm-steps", type=int, default=10)
    p.add_argument("--n", type=int, default=16, help="images per batch")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--base", type=int, default=None, help="UNet base channels (default 64; 32 with --quick)")
    p.add_argument("--channel-mults", default="1,2,2,2")
    p.add_argument("--attn", default="16", help="attention resolutions, comma-separated ('' for none)")
    p.add_argument("--ddim-steps", type=int, default=50)
    p.add_argument("--few-steps", type=int, default=4)
    p.add_argument("--z-dim", type=int, default=100)
    p.add_argument("--precision", choices=("fp32", "bf16", "fp16"), default="fp32")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's; 1 with --quick)")
    p.add_argument("--repeats", type=int, default=1, help="time each sampler this many times and keep the best")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    a = p.parse_args(argv)

    device = get_device(a.device)
    threads = a.threads or (1 if a.quick else None)
    if threads: torch.set_num_threads(threads)
    base = a.base or (32 if a.quick else 64)
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

    with amp:
        # warm-up: kernels, cuDNN autotuning, allocator
        ddpm_partial(unet, sched, noise, 2, g)
        sample_few_step(gen, fsched, noise=noise, generator=g)
        ddpm_steps = min(a.quick_ddpm_steps, T) if a.quick else T
        if ddpm_steps == T:
            t_ddpm = timed(lambda: sample(unet, sched, noise=noise, method="ddpm", generator=g), device, a.repeats)
        else:
            t_ddpm = timed(lambda: ddpm_partial(unet, sched, noise, ddpm_steps, g), device, a.repeats) * T / ddpm_steps
        t_ddim = timed(lambda: sample(unet, sched, noise=noise, method="ddim", steps=a.ddim_steps), device, a.repeats)
        t_few = timed(lambda: sample_few_step(gen, fsched, noise=noise, generator=g), device, a.repeats)

    rows = [(f"DDPM-{T}", T, t_ddpm, "" if ddpm_steps == T else f"extrapolated from {ddpm_steps} steps"),
            (f"DDIM-{a.ddim_steps}", a.ddim_steps, t_ddim, ""),
            (f"few-step-{a.few_steps}", a.few_steps, t_few, "")]
    print(f"\n{'sampler':<14}{'net calls':>10}{'seconds':>11}{'ms/call':>10}{'speed-up vs DDPM':>19}")
    for name, calls, sec, note in rows:
        print(f"{name:<14}{calls:>10}{sec:>11.3f}{1000 * sec / calls:>10.2f}{t_ddpm / sec:>18.1f}x  {note}")
    print(f"\nratios (time / DDPM-{T}): DDIM-{a.ddim_steps} {t_ddim / t_ddpm:.4f}, few-step-{a.few_steps} {t_few / t_ddpm:.5f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"device": str(device), "base": base, "n": a.n, "size": a.size, "precision": a.precision,
                       "results": [{"sampler": r[0], "calls": r[1], "seconds": r[2], "note": r[3]} for r in rows]}, f, indent=1)


if __name__ == "__main__":
    main()
