#!/usr/bin/env python3
"""Determinism: the same run gives byte-identical output whatever --threads.

Usage: determinism.py KAIROS WORKDIR [ROWS]

Generates ROWS (default 100,000) customer records with
examples/generate_customers.py, spoils a few hundred of them spread over the
whole file (bad values, wrong field counts, invalid UTF-8, CRLF, quoted line
breaks) so rejections interleave with actions, then runs the four shipped
playbooks over them with --threads 1, 2 and 3 as JSON Lines, and with 1 and 2
as CSV, and compares the actions, the rejections and the exit status byte for byte.
"""
import filecmp
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = [os.path.join(ROOT, "playbooks", name + ".play")
             for name in ("expansion", "cross_sell", "renewal", "advocacy")]


def spoil(lines):
    """Replaces every 397th record by a variant that is rejected or odd."""
    variants = [
        lambda f: f[:4] + ["high"] + f[5:],                      # health not an int
        lambda f: f[:3] + ["adopton"] + f[4:],                    # not an enum value
        lambda f: f[:-1],                                         # a field short
        lambda f: f[:1] + ['"quoted, with\nline break"'] + f[2:],  # fine: a quoted newline
        lambda f: f[:1] + ["bad \udcff utf8"] + f[2:],            # invalid UTF-8
        lambda f: f[:4] + ["101"] + f[5:],                        # above max
        lambda f: [""] + f[1:],                                   # required key missing
        lambda f: f[:-1] + [f[-1] + "\r"],                        # a CRLF line
    ]
    out = [lines[0]]
    for i, line in enumerate(lines[1:], start=1):
        if i % 397 == 0 and '"' not in line:
            fields = line.split(",")
            line = ",".join(variants[(i // 397) % len(variants)](fields))
        out.append(line)
    return out


def main():
    kairos, work = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "customers.csv")
    subprocess.run([sys.executable, os.path.join(ROOT, "examples", "generate_customers.py"), str(rows), data],
                   check=True)
    with open(data, encoding="utf-8") as f:
        lines = f.read().split("\n")
    with open(data, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write("\n".join(spoil(lines)))

    failures = 0
    compared = 0
    for output, thread_counts in (("jsonl", (1, 2, 3)), ("csv", (1, 2))):
        first = None
        for threads in thread_counts:
            out = os.path.join(work, f"actions-{threads}.{output}")
            errors = os.path.join(work, f"errors-{threads}-{output}.jsonl")
            cmd = [kairos, "run", *PLAYBOOKS, "--data", data, "--as-of", "2026-01-15", "--output", output,
                   "--out", out, "--errors", errors, "--threads", str(threads), "--quiet"]
            status = subprocess.run(cmd).returncode
            if status != 0:
                print(f"FAIL: exit status {status}: {' '.join(cmd)}")
                failures += 1
                continue
            size = os.path.getsize(out)
            print(f"--threads {threads} --output {output}: {size} bytes of actions, "
                  f"{os.path.getsize(errors)} bytes of rejections")
            if first is None:
                first = (out, errors)
                if size == 0 or os.path.getsize(errors) == 0:
                    print("FAIL: expected both actions and rejections")
                    failures += 1
                continue
            for a, b in zip(first, (out, errors)):
                compared += 1
                if not filecmp.cmp(a, b, shallow=False):
                    print(f"FAIL: {a} and {b} differ")
                    failures += 1
    print(f"determinism: {compared} output files compared with --threads 1, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
