#!/usr/bin/env python3
"""Fills the seed corpora of the fuzz targets.

Usage: make_corpus.py OUT_DIR [SHARED_DIR]

Copies the conformance cases' files (SHARED_DIR/conformance/cases/*/, default
../shared beside the checkout) and the playbooks/ and examples/ of the
checkout into OUT_DIR/<target>/, one file per input:

  fuzz_parser  every .play file
  fuzz_csv     every .csv file, cut to its first 4 KiB of whole lines
  fuzz_jsonl   every .jsonl file, cut the same way
  fuzz_schema  every .yaml file (schemas, test files, YAML data)
  fuzz_run     fixed pseudo-random choice streams (its input is not text)

The reader targets read their first byte as a mode (see reader_check.hpp), so
each data file is written twice: read whole with an inferred schema, and read
in 7-byte pieces against the fixed schema, twice over. The corpora are
generated: they live in the build directory and are never committed.
"""
import hashlib
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CUT = 4096


def files(top, suffix):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("build"))
        for name in sorted(filenames):
            if name.endswith(suffix):
                yield os.path.join(dirpath, name)


def head(data):
    if len(data) <= CUT:
        return data
    cut = data.rfind(b"\n", 0, CUT)
    return data[:cut + 1] if cut > 0 else data[:CUT]


def put(out, target, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(ROOT), "shared")
    tops = [os.path.join(ROOT, "playbooks"), os.path.join(ROOT, "examples"), os.path.join(ROOT, "stdlib"),
            os.path.join(shared, "conformance", "cases")]
    tops = [t for t in tops if os.path.isdir(t)]
    counts = {}

    def add(target, data):
        put(out, target, data)
        counts[target] = counts.get(target, 0) + 1

    for top in tops:
        for path in files(top, ".play"):
            add("fuzz_parser", open(path, "rb").read())
        for path in files(top, ".yaml"):
            add("fuzz_schema", open(path, "rb").read())
        for suffix, target in ((".csv", "fuzz_csv"), (".jsonl", "fuzz_jsonl")):
            for path in files(top, suffix):
                data = head(open(path, "rb").read())
                add(target, b"\x01" + data)   # inferred schema, whole reads
                add(target, b"\x18" + data)   # fixed schema, 7-byte reads, read twice
    rng = random.Random(20260115)
    for _ in range(32):
        add("fuzz_run", bytes(rng.randrange(256) for _ in range(rng.randrange(16, 512))))
    for target, n in sorted(counts.items()):
        print(f"{target}: {n} seed inputs in {os.path.join(out, target)}")


if __name__ == "__main__":
    main()
