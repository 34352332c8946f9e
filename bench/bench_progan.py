"""Images/s of one ProGAN training step (critic + generator, WGAN-GP) at 32² and 64², batch 16.

Each precision is timed in the same process against the fp32 baseline, and the ratio is printed, so numbers from
different machines are comparable. On CUDA it also prints the peak memory of a step per resolution.

    python bench/bench_progan.py                    # this machine's best device
    python bench/bench_progan.py --device cpu --channels 128 --iters 5
"""
import argparse, time
import torch
from octgan.core import get_device, seed_everything
from octgan.progan import ProGANTask, build_progan, progan_phases
from octgan.progan import steps_for
from octgan.train import Trainer, TrainConfig, Phase


class RandomImages(torch.utils.data.Dataset):
    def __init__(self, n, res): self.x = torch.rand(n, 1, res, res) * 2 - 1
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], 0


def images_per_second(res, precision, args, device):
    seed_everything(0)
    G, D = build_progan(args.channels, args.channels, 1, max_resolution=max(512, res))
    task = ProGANTask(G, D, args.channels)
    cfg = TrainConfig(out_dir="/tmp/octgan-bench", precision=precision, device=str(device), progress=False,
                      tensorboard=False, sample_every=0, ckpt_every=0, ema_decay=0.999, log_every=10**9)
    phase = Phase(RandomImages(args.batch * 4, res), batch_size=args.batch, info={"steps": steps_for(res), "fade": True})
    tr = Trainer(task, phase, cfg)
    task.before_phase(phase, tr)
    batch = (phase.dataset.x[: args.batch].to(device), torch.zeros(args.batch))
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(args.warmup): task.train_batch(batch, tr)
    sync()
    if device.type == "cuda": torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(args.iters): task.train_batch(batch, tr)
    sync()
    dt = time.perf_counter() - t0
    mem = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else float("nan")
    return args.batch * args.iters / dt, mem


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default=None)
    ap.add_argument("--channels", type=int, default=256, help="z_dim and in_channels (seed 000: 256)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--res", type=int, nargs="+", default=[32, 64])
    args = ap.parse_args()
    device = get_device(args.device)
    precisions = ["fp32", "bf16"] + (["fp16"] if device.type == "cuda" else [])
    print(f"ProGAN training step, batch {args.batch}, channels {args.channels}, device {device}"
          + (f" ({torch.cuda.get_device_name()})" if device.type == "cuda" else f" ({torch.get_num_threads()} threads)"))
    print(f"{'res':>5} {'precision':>9} {'images/s':>10} {'vs fp32':>8} {'peak GiB':>9}")
    for res in args.res:
        base = None
        for p in precisions:
            ips, mem = images_per_second(res, p, args, device)
            base = base or ips
            print(f"{res:>5} {p:>9} {ips:>10.1f} {ips / base:>7.2f}x {mem:>9.2f}")


if __name__ == "__main__":
    main()
