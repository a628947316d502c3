"""Times PyYAML's C loader (libyaml underneath) over the benchmark corpus.

Prints one JSON object: bytes, documents and the best seconds per pass.
"""
import json
import os
import sys
import time

import yaml


def main(corpus, rounds):
    files = sorted(f for f in os.listdir(corpus) if f.endswith(".yaml"))
    blobs = [open(os.path.join(corpus, f), "rb").read() for f in files]
    best = float("inf")
    docs = 0
    for _ in range(rounds):
        start = time.perf_counter()
        loaded = [d for b in blobs for d in yaml.load_all(b, Loader=yaml.CSafeLoader)]
        best = min(best, time.perf_counter() - start)
        # Kept alive until the clock stopped, as the Swift side does.
        docs = sum(1 for d in loaded if d is not None)
        del loaded
    print(json.dumps({"bytes": sum(map(len, blobs)), "documents": docs, "seconds": best}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
