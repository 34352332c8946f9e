"""Images/s of octgan's ImageFolderDataset against torchvision's ImageFolder at equal output, per item and in a DataLoader.

torchvision's reference is the chain people write by hand: `ImageFolder(root, transform=Compose([Grayscale(),
Resize((s, s)), ToTensor(), Normalize([0.5], [0.5])]))`. First every item of both is compared (the tensors must be
identical, or the script stops), then each is timed over whole passes of the set, interleaved A, B, C / C, B, A
(`bench/timing.py`):

- per item: `dataset[i]` for every i in the main process;
- in a DataLoader with `--workers` workers (persistent, batches of `--batch`), one epoch per call, the first
  epoch (which starts the workers and fills the cache) untimed.

Variants: torchvision; octgan with `cache=False` (every epoch decodes, as torchvision does); octgan with the default
`cache="auto"` (a set this small is kept in memory after the first pass, at the target size).

    python bench/bench_data.py                          # the phantom set (200 PNGs, 128x128) at 64x64
    python bench/bench_data.py --data data/OCT2017/train --size 128 --limit 2000 --reps 5
    python bench/bench_data.py --quick                  # a few seconds
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path
import torch
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms as T
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import add_timing_args, compare, machine, reps_of, write_json
from octgan.data import DATA_DIR, ImageFolderDataset


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=str(DATA_DIR / "phantom"), help="a folder with one sub-folder per class")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--limit", type=int, default=None, help="use only the first N images (spread over the classes)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=1, help="torch threads in the main process")
    add_timing_args(p, reps=9)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    limit = a.limit or (48 if a.quick else None)
    tf = T.Compose([T.Grayscale(), T.Resize((a.size, a.size)), T.ToTensor(), T.Normalize([0.5], [0.5])])
    tv = datasets.ImageFolder(a.data, transform=tf)
    ours = {"octgan cache=False": ImageFolderDataset(a.data, size=a.size, cache=False),
            "octgan cache=auto": ImageFolderDataset(a.data, size=a.size)}
    idx = list(range(len(tv)))
    if limit: idx = idx[:: max(1, len(idx) // limit)][:limit]
    sets = {"torchvision ImageFolder": Subset(tv, idx), **{k: Subset(v, idx) for k, v in ours.items()}}
    print(f"{machine()}\n{len(idx)} images from {a.data} at {a.size}x{a.size}, grey; "
          f"octgan caches: {ours['octgan cache=auto'].caching}")

    for name, ds in ours.items():          # equal output first: same files, same order, same tensors
        assert [s for s, _ in ds.samples] == [s for s, _ in tv.samples], f"{name} lists other files than ImageFolder"
        for i in idx:
            (x, y), (r, yr) = ds[i], tv[i]
            if not (torch.equal(x, r) and y == yr):
                sys.exit(f"{name} differs from torchvision at item {i} ({ds.samples[i][0]}): max |diff| {(x - r).abs().max():.3g}")
    print(f"identical tensors and labels: all {len(idx)} items, both octgan variants")

    def one_pass(ds): return lambda: [ds[i] for i in range(len(ds))]
    res = {"per_item": compare({k: one_pass(v) for k, v in sets.items()}, reps=reps_of(a), warmup=a.warmup, items=len(idx))}
    print(res["per_item"].table("images/s", "\nper item (main process, dataset[i]):"))

    if a.workers > 0:
        loaders = {k: DataLoader(v, batch_size=a.batch, shuffle=True, num_workers=a.workers, persistent_workers=True,
                                 generator=torch.Generator().manual_seed(0)) for k, v in sets.items()}
        def epoch(dl): return lambda: sum(len(x) for x, _ in dl)
        res["loader"] = compare({k: epoch(v) for k, v in loaders.items()}, reps=reps_of(a), warmup=max(1, a.warmup),
                                items=len(idx))
        print(res["loader"].table("images/s", f"\nDataLoader, {a.workers} workers, batch {a.batch} (one epoch a call):"))
        del loaders
    write_json(a.json, res)


if __name__ == "__main__":
    main()
