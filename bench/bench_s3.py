"""Images/s of the S3 loader against a latency-bound store: sequential `get_object` versus parallel fetches.

A moto S3 server runs in a child process on 127.0.0.1 (`octgan.testing.LocalS3Server`); the phantom set is uploaded to
it; every request then goes through `octgan.testing.FaultyProxy`, a TCP proxy on loopback that holds each HTTP request
for `--latency` seconds before passing it on (requests on different connections overlap, as they would over a
real network; the latency is added once per request, not per byte). Measured, all through the proxy:

- `get_object, sequential`: a plain boto3 loop, one request at a time (the usual one-by-one loader, without decoding);
- `loader, max_workers=1`: `S3ImageDataset` batches through a `DataLoader`, one request at a time;
- `loader, max_workers=W`: the same with `W` requests in flight per batch (`__getitems__`);
- `get_object, W threads`: the fetch alone with `W` threads (what the network allows, for reference).

The loader rows include decoding and resizing. The four are timed interleaved over `--reps` rounds
(`bench/timing.py`); ratios are medians of per-round speed ratios against the sequential loader. The last line is the
speed-up of the parallel loader over the sequential one. Runs in a few minutes on a 2-core CPU; nothing leaves 127.0.0.1.

    python bench/bench_s3.py
    python bench/bench_s3.py --latency 0.02 --n 400 --workers 32
    python bench/bench_s3.py --quick          # a few seconds

Output on the 2-core development CPU (shared with other jobs, load about 12), default settings:

    256 images of 128x128 (9.4 KiB each) in a moto server, 50 ms added per request, batches of 32 resized to 64
      variant                    images/s   median s     best s            x base  x (best)   ratio range
      loader, max_workers=1          15.7    16.2563    15.9210             1.00x     1.00x
      loader, max_workers=16        131.8     1.9427     1.7580             8.48x     9.06x     6.94-9.25
      get_object, sequential         16.2    15.7807    15.6119             1.04x     1.02x     0.97-1.04
      get_object, 16 threads        178.5     1.4338     1.4242            11.18x    11.18x   10.49-11.49
      (3 interleaved rounds; x = median of paired speed ratios against 'loader, max_workers=1', ...)
    parallel loader / sequential loader: 8.5x  (ideal with no CPU limit: about 16x; requests 1024, retries 0)

On two cores the parallel rows are bound by the CPU (moto, botocore and PNG decoding share it), not by latency.
"""
import argparse, os, shutil, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import add_timing_args, compare, machine, reps_of, write_json

# a private AWS configuration: made-up keys for the local server, nothing from ~/.aws is read
os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                  AWS_EC2_METADATA_DISABLED="true", AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull)
os.environ.pop("AWS_PROFILE", None); os.environ.pop("AWS_SESSION_TOKEN", None)

from torch.utils.data import DataLoader
from octgan.phantom import write_phantom_dataset
from octgan.s3 import S3ImageDataset, s3_client, upload_folder, list_s3_objects
from octgan.testing import FaultyProxy, LocalS3Server


def loader_pass(url, endpoint, workers, args):
    "A callable reading every image once through the loader (decoded, resized), and the dataset (for its stats)."
    ds = S3ImageDataset(url, size=args.size, endpoint_url=endpoint, max_workers=workers)
    return (lambda: sum(len(x) for x, _ in DataLoader(ds, batch_size=args.batch, shuffle=True, num_workers=0))), ds


def get_object_pass(client, keys, workers):
    "A callable fetching every object once (bytes only), one at a time or with `workers` threads."
    get = lambda k: client.get_object(Bucket="bench", Key=k)["Body"].read()
    if workers == 1: return lambda: [get(k) for k in keys]
    def threaded():
        with ThreadPoolExecutor(workers) as ex: return list(ex.map(get, keys))
    return threaded


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=256, help="images in the bucket")
    p.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    p.add_argument("--workers", type=int, default=16, help="parallel requests of the parallel loader")
    p.add_argument("--batch", type=int, default=32, help="batch size")
    p.add_argument("--size", type=int, default=64, help="image side the loader resizes to")
    p.add_argument("--image-size", type=int, default=128, help="side of the phantom images stored in the bucket")
    add_timing_args(p, reps=3)
    args = p.parse_args(argv)
    if args.quick: args.n, args.latency, args.workers, args.batch, args.image_size = 24, 0.01, 4, 8, 32

    tmp = Path(tempfile.mkdtemp(prefix="octgan-bench-s3-"))
    try:
        with LocalS3Server() as server:
            server.client().create_bucket(Bucket="bench")
            folder = write_phantom_dataset(tmp / "train", n=args.n, size=(args.image_size, args.image_size))
            upload_folder(folder, "s3://bench/train/", endpoint_url=server.url)
            with FaultyProxy(server.port, latency=args.latency) as proxy:
                url = "s3://bench/train/"
                client = s3_client(proxy.url, max_workers=args.workers)
                keys = [k for k, _, _ in list_s3_objects(client, "bench", "train/")]
                kb = sum(s for _, s, _ in list_s3_objects(client, "bench", "train/")) / len(keys) / 1024
                print(machine())
                print(f"{len(keys)} images of {args.image_size}x{args.image_size} ({kb:.1f} KiB each) in a moto server, "
                      f"{args.latency * 1000:.0f} ms added per request, batches of {args.batch} resized to {args.size}")
                seq, _ = loader_pass(url, proxy.url, 1, args)
                par, ds = loader_pass(url, proxy.url, args.workers, args)
                fns = {"loader, max_workers=1": seq, f"loader, max_workers={args.workers}": par,
                       "get_object, sequential": get_object_pass(client, keys, 1),
                       f"get_object, {args.workers} threads": get_object_pass(client, keys, args.workers)}
                res = compare(fns, reps=reps_of(args), warmup=args.warmup, items=len(keys))
                print(res.table("images/s"))
                print(f"parallel loader / sequential loader: {res.ratio(f'loader, max_workers={args.workers}'):.1f}x  "
                      f"(ideal with no CPU limit: about {min(args.workers, args.batch):d}x; requests {ds.stats.get('requests', 0)}, "
                      f"retries {ds.stats.get('retries', 0)})")
                write_json(args.json, {"s3": res})
    finally: shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
