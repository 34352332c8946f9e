"""End-to-end check of the CUDA paths: train_progan with fp16 (GradScaler) and bf16 autocast through the Trainer,
on the phantom data up to 64×64; prints throughput, losses, GPU stats and peak memory. Run it on a GPU machine:

    python bench/gpu_smoke.py --data data/phantom
"""
import argparse, math, tempfile, time
import torch
from octgan.progan import train_progan, generate
from octgan.train import gpu_stats, Callback


class Timer(Callback):
    def before_fit(self, tr): torch.cuda.synchronize(); self.t0 = time.perf_counter()
    def after_fit(self, tr): torch.cuda.synchronize(); self.dt = time.perf_counter() - self.t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/phantom")
    ap.add_argument("--max-res", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    assert torch.cuda.is_available(), "this check needs a CUDA GPU"
    print("device:", torch.cuda.get_device_name(), "torch", torch.__version__)
    for precision in ("fp32", "bf16", "fp16"):
        torch.cuda.reset_peak_memory_stats()
        out = tempfile.mkdtemp()
        t = Timer()
        tr = train_progan(args.data, out, max_res=args.max_res, epochs=args.epochs, z_dim=256, in_channels=256,
                          precision=precision, progress=False, log_every=5, sample_every=50, ckpt_every=50, cbs=[t])
        last = tr.history[-1]
        finite = all(math.isfinite(v) for h in tr.history for k, v in h.items() if k not in ("step", "phase", "epoch"))
        imgs = generate(out, n=8)
        print(f"{precision}: {tr.iteration} steps in {t.dt:.1f}s ({tr.iteration / t.dt:.1f} steps/s), all losses finite: {finite}, "
              f"last d={last['d']:.3f} g={last['g']:.3f} gp={last['gp']:.3f}, scaler scale="
              f"{tr.scaler.get_scale() if tr.scaler else '-'}, generate -> {tuple(imgs.shape)}")
        print("   gpu stats:", {k: round(v, 3) for k, v in gpu_stats(tr.device).items()})


if __name__ == "__main__":
    main()
