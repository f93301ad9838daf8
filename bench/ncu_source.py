#!/usr/bin/env python3
"""Where a kernel's instructions and stall samples are, by SASS opcode.

From an Nsight Compute source page:

    ncu --import REPORT --page source --print-source sass --csv > source.csv
    python3 bench/ncu_source.py source.csv [--top N]

(the report made with --set full or --section SourceCounters). Per kernel:
the warp instructions executed and the warp stall samples, the opcodes
with the most samples (with how often each executed), and the SASS lines
with the most samples. A sample lands on the instruction a warp waits to
issue: a stall on a load shows at the load's first use. Comparing two
variants of one kernel (with and without an epilogue step) by opcode
shows what the step adds. ncu prints a kernel's source page once per
profiled launch and may repeat it; each distinct kernel name is reported
once (its first page).
"""
import argparse
import collections
import csv
import sys

SAMPLES = "Warp Stall Sampling (All Samples)"
EXECUTED = "Instructions Executed"


def pages(path):
    """(kernel name, header, rows) per source page of the CSV."""
    name, header, rows = None, None, []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if row and row[0] == "Kernel Name":
                if name is not None and header is not None:
                    yield name, header, rows
                name, header, rows = row[1], None, []
            elif row and row[0] == "Address":
                header = row
            elif header is not None and row:
                rows.append(row)
    if name is not None and header is not None:
        yield name, header, rows


def opcode(source):
    """The opcode of a SASS line, without its predicate and modifiers."""
    tokens = source.split()
    if tokens and tokens[0].startswith("@"):
        tokens = tokens[1:]
    return tokens[0].split(".")[0] if tokens else "?"


def count(value):
    return int(value) if value else 0


def summarize(name, header, rows, top):
    column = {key: i for i, key in enumerate(header)}
    for needed in (SAMPLES, EXECUTED, "Source", "Address"):
        if needed not in column:
            sys.exit(f"{needed!r} is not a column of the source page "
                     "(profile with --set full or --section SourceCounters)")
    samples, executed = collections.Counter(), collections.Counter()
    for row in rows:
        op = opcode(row[column["Source"]])
        samples[op] += count(row[column[SAMPLES]])
        executed[op] += count(row[column[EXECUTED]])
    total = max(sum(samples.values()), 1)
    print(f"{name}\n  {sum(executed.values())} warp instructions executed "
          f"(source counters), {sum(samples.values())} stall samples")
    print("  opcodes by samples: " + ", ".join(
        f"{op} {n} ({n / total:.0%}, {executed[op]} executed)"
        for op, n in samples.most_common(top) if n))
    print("  lines by samples:")
    hottest = sorted(rows, key=lambda row: -count(row[column[SAMPLES]]))
    for row in hottest[:top]:
        n = count(row[column[SAMPLES]])
        if n:
            print(f"    {row[column['Address']]}  {n:6d}  "
                  f"{row[column['Source']].strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="ncu --page source --csv output")
    parser.add_argument("--top", type=int, default=8,
                        help="opcodes and lines listed (default 8)")
    opts = parser.parse_args()
    seen = set()
    for name, header, rows in pages(opts.csv):
        if name not in seen:
            seen.add(name)
            summarize(name, header, rows, opts.top)


if __name__ == "__main__":
    main()
