"""Images/s of the S3 loader against a latency-bound store: sequential `get_object` versus parallel fetches.

A moto S3 server runs in a child process on 127.0.0.1 (`octgan.testing.LocalS3Server`); the phantom set is uploaded to
it; every request then goes through `octgan.testing.FaultyProxy`, a TCP proxy on loopback that holds each HTTP request
for `--latency` seconds before passing it on (requests on different connections overlap, as they would over a
real network; the latency is added once per request, not per byte). Measured, all through the proxy:

- `get_object, sequential`: a plain boto3 loop, one request at a time (the usual one-by-one loader, without decoding);
- `loader, max_workers=1`: `S3ImageDataset` batches through a `DataLoader`, one request at a time;
- `loader, max_workers=W`: the same with `W` requests in flight per batch (`__getitems__`);
- `get_object, W threads`: the fetch alone with `W` threads (what the network allows, for reference).

The loader rows include decoding and resizing. The last line is the speed-up of the parallel loader over the
sequential one. Runs in about a minute on a 2-core CPU; nothing leaves 127.0.0.1.

    python bench/bench_s3.py
    python bench/bench_s3.py --latency 0.02 --n 400 --workers 32

Output on the 2-core development CPU (shared with other jobs, so +-20%), default settings:

    256 images of 128x128 (9.4 KiB each) in a moto server, 50 ms added per request, batches of 32 resized to 64
      get_object, sequential         16.3 images/s
      loader, max_workers=1          16.0 images/s
      loader, max_workers=16        111.8 images/s
      get_object, 16 threads        142.9 images/s
    parallel loader / sequential loader: 7.0x  (ideal with no CPU limit: about 16x; requests 256, retries 0)

On two cores the parallel rows are bound by the CPU (moto, botocore and PNG decoding share it), not by latency.
"""
import argparse, os, shutil, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# a private AWS configuration: made-up keys for the local server, nothing from ~/.aws is read
os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                  AWS_EC2_METADATA_DISABLED="true", AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull)
os.environ.pop("AWS_PROFILE", None); os.environ.pop("AWS_SESSION_TOKEN", None)

from torch.utils.data import DataLoader
from octgan.phantom import write_phantom_dataset
from octgan.s3 import S3ImageDataset, s3_client, upload_folder, list_s3_objects
from octgan.testing import FaultyProxy, LocalS3Server


def loader_rate(url, endpoint, workers, args):
    ds = S3ImageDataset(url, size=args.size, endpoint_url=endpoint, max_workers=workers)
    t0 = time.perf_counter()
    n = sum(len(x) for x, _ in DataLoader(ds, batch_size=args.batch, shuffle=True, num_workers=0))
    return n / (time.perf_counter() - t0), ds.stats


def get_object_rate(client, keys, workers):
    get = lambda k: client.get_object(Bucket="bench", Key=k)["Body"].read()
    t0 = time.perf_counter()
    if workers == 1: [get(k) for k in keys]
    else:
        with ThreadPoolExecutor(workers) as ex: list(ex.map(get, keys))
    return len(keys) / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=256, help="images in the bucket")
    p.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    p.add_argument("--workers", type=int, default=16, help="parallel requests of the parallel loader")
    p.add_argument("--batch", type=int, default=32, help="batch size")
    p.add_argument("--size", type=int, default=64, help="image side the loader resizes to")
    p.add_argument("--image-size", type=int, default=128, help="side of the phantom images stored in the bucket")
    args = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="octgan-bench-s3-"))
    with LocalS3Server() as server:
        server.client().create_bucket(Bucket="bench")
        folder = write_phantom_dataset(tmp / "train", n=args.n, size=(args.image_size, args.image_size))
        upload_folder(folder, "s3://bench/train/", endpoint_url=server.url)
        with FaultyProxy(server.port, latency=args.latency) as proxy:
            url = "s3://bench/train/"
            client = s3_client(proxy.url, max_workers=args.workers)
            keys = [k for k, _, _ in list_s3_objects(client, "bench", "train/")]
            kb = sum(s for _, s, _ in list_s3_objects(client, "bench", "train/")) / len(keys) / 1024
            print(f"{len(keys)} images of {args.image_size}x{args.image_size} ({kb:.1f} KiB each) in a moto server, "
                  f"{args.latency * 1000:.0f} ms added per request, batches of {args.batch} resized to {args.size}")
            rows = [("get_object, sequential", get_object_rate(client, keys, 1))]
            seq, _ = loader_rate(url, proxy.url, 1, args)
            rows.append(("loader, max_workers=1", seq))
            par, stats = loader_rate(url, proxy.url, args.workers, args)
            rows.append((f"loader, max_workers={args.workers}", par))
            rows.append((f"get_object, {args.workers} threads", get_object_rate(client, keys, args.workers)))
            for name, rate in rows: print(f"  {name:<26} {rate:8.1f} images/s")
            print(f"parallel loader / sequential loader: {par / seq:.1f}x  "
                  f"(ideal with no CPU limit: about {min(args.workers, args.batch):d}x; requests {stats.get('requests', 0)}, "
                  f"retries {stats.get('retries', 0)})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
