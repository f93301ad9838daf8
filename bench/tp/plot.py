"""Speed-ups of the tensor-parallel bench, for docs/benchmarks.md.

    python3 bench/tp/plot.py tp_bench.json [out.png]

Reads the JSON bench/tp/tp_bench.py writes and draws, per config, the
speed-up over xfuse on one GPU of xfuse's tensor parallel, PyTorch's tensor
parallel and PyTorch on one GPU (all times from the same run), with the
issue's targets (1.90x prefill, 1.5x decode); the device, rank count, NCCL
version, date and seed are in the title.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PREFILL_TARGET, DECODE_TARGET = 1.90, 1.5


def main(path, out):
    with open(path) as f:
        bench = json.load(f)
    configs = bench["configs"]
    names = [c["config"] for c in configs]
    series = [
        ("xfuse TP", "tab:blue", lambda c: c["xfuse_single_ms"] / c["xfuse_tp_ms"]),
        ("PyTorch TP", "tab:orange", lambda c: c["xfuse_single_ms"] / c["torch_tp_ms"]),
        ("PyTorch, 1 GPU", "tab:gray", lambda c: c["xfuse_single_ms"] / c["torch_single_ms"]),
    ]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for i, (label, color, speedup) in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(configs))]
        values = [speedup(c) for c in configs]
        bars = ax.bar(xs, values, width, label=label, color=color)
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    for j, c in enumerate(configs):
        target = DECODE_TARGET if c["tokens"] <= 64 else PREFILL_TARGET
        ax.hlines(target, j - 0.45, j + 0.45, colors="tab:red", linestyles="dashed",
                  label="target" if j == 0 else None)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(configs)))
    ax.set_xticklabels([f"{n}\n{c['tokens']} tok, {c['d']}/{c['dff']}"
                        for n, c in zip(names, configs)], fontsize=8)
    ax.set_ylabel("speed-up over xfuse on 1 GPU (higher is better)")
    ax.set_title(f"tensor-parallel FFN, bf16, {configs[0]['world']} x {bench['device']}, "
                 f"NCCL {bench['nccl']}, {bench['date']} (seed {configs[0]['seed']})",
                 fontsize=9)
    ax.legend(fontsize=8, loc="upper left", ncols=4)
    ax.set_ylim(0, max(2.2, ax.get_ylim()[1]))
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "benchmarks-tp-h200x2.png")
