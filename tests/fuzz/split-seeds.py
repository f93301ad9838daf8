#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets from xfuse's own graphs.

Each module of examples/ and tests/ (a lit file's `// -----` parts
separately), with its comment lines dropped, becomes one seed of
xfuse-to-linalg-fuzzer and, behind its mode byte (xfuse-emit-cuda-fuzzer.cpp
says what each bit means), three of xfuse-emit-cuda-fuzzer: the graph through
the pipeline for sm_90a and for sm_80, and the module emitted as it is.
scripts/fuzz.sh --reseed minimizes them into tests/fuzz/corpus.
"""
import hashlib
import pathlib
import sys

EMIT_MODES = (b"\x00", b"\x01", b"\x02")


def modules(path):
    text = path.read_text(errors="replace")
    for part in text.split("// -----"):
        lines = [l for l in part.splitlines() if not l.lstrip().startswith("//")]
        module = "\n".join(l for l in lines if l.strip()) + "\n"
        if module.strip():
            yield module.encode()


def write(directory, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main(root, out):
    root, out = pathlib.Path(root), pathlib.Path(out)
    sources = sorted(root.glob("examples/**/*.mlir")) + sorted(
        root.glob("tests/**/*.mlir"))
    for path in sources:
        for module in modules(path):
            write(out / "xfuse-to-linalg-fuzzer", module)
            for mode in EMIT_MODES:
                write(out / "xfuse-emit-cuda-fuzzer", mode + module)


if __name__ == "__main__":
    main(*sys.argv[1:])
