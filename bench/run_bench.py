#!/usr/bin/env python3
"""End-to-end benchmark of xfuse against PyTorch peers on the GPU machine.

One command (after bench/e2e was built where MLIR is, into bench/build):
    python3 bench/run_bench.py [--out DIR] [--configs a,b] [--no-peers]

It measures the two ceilings (bf16 GEMM rate: an 8192^3 product; copy
bandwidth: a 1 GiB device copy, bytes read + written), draws fresh random
inputs in torch for every config and writes them as raw files, runs the xfuse
binary on those files (it checks each config against a float64 reference and
times it), times the peers on the very same tensors with the same protocol,
checks every element of xfuse's output (after timing) and of each peer's
against a float64 reference computed here on the GPU, and prints the table
last; it exits non-zero if any output fails its check. JSON and (when matplotlib is there) a PNG go to
--out (default $OUT, else bench/results).

Protocol, shared with bench/e2e/main.cu: warm-up calls, then each call between
its own pair of CUDA events on one stream, median of 100; when one call's
activations and output would stay in L2, calls rotate over copies of them
(the binary picks the count, the peers reuse it).
The decode sweep (configs decode_ffn_m<M>, llama3_swiglu_m<M>, M = 1..128)
gets its own table and plot (floor/time against tokens).
Peers: torch eager; torch.compile (default mode; with --autotune also
mode="max-autotune-no-cudagraphs", Triton GEMM templates with fused
epilogues, which compiles and autotunes for tens of seconds per config:
--autotune takes the configs to give it (default: the GEMM-bound configs and
the decode sweep), --autotune-budget caps its compile time, and configs past
the budget are reported without it); cuBLASLt through torch
(_addmm_activation's ReLU+bias epilogue then addmm's bias epilogue; for
SwiGLU the fastest of three compositions; for linear+RoPE the GEMM then the
compiled rotation). RoPE and PE alone have no cuBLASLt peer; the binary
also times a device copy of their bytes (activations into the output, same
rotation), the floor a kernel of that size can reach: the 1 GiB copy of
the ceiling runs at a rate that 25-270 MB copies do not reach.
"""
import argparse, json, math, os, subprocess, sys, tempfile, time

import torch
import torch.nn.functional as F

DEV = "cuda"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "bench", "build", "xfuse_e2e_bench")
WARMUP, TIMED = 10, 100


def median_ms(fn, sets):
    """fn(i) runs the call on input set i; median of TIMED event-timed calls."""
    for i in range(WARMUP):
        fn(i % sets)
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(TIMED)]
    stops = [torch.cuda.Event(enable_timing=True) for _ in range(TIMED)]
    for i in range(TIMED):
        starts[i].record()
        fn(i % sets)
        stops[i].record()
    torch.cuda.synchronize()
    times = sorted(s.elapsed_time(e) for s, e in zip(starts, stops))
    return times[len(times) // 2]


def ceilings():
    a = torch.randn(8192, 8192, device=DEV, dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device=DEV, dtype=torch.bfloat16)
    gemm_tflops = 2 * 8192**3 / median_ms(lambda i: a @ b, 1) / 1e9
    src = torch.randint(0, 255, (1 << 30,), dtype=torch.uint8, device=DEV)
    dst = torch.empty_like(src)
    copy_tbps = 2 * src.numel() / median_ms(lambda i: dst.copy_(src), 1) / 1e9
    return gemm_tflops, copy_tbps


def sinusoid(seq, d, dtype=torch.bfloat16):
    """PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(...): interleaved."""
    pos = torch.arange(seq, device=DEV, dtype=torch.float64)[:, None]
    ang = pos / torch.pow(10000.0, torch.arange(0, d, 2, device=DEV, dtype=torch.float64) / d)
    return torch.stack([ang.sin(), ang.cos()], dim=-1).flatten(1).to(dtype)


def inv_freq(dtype=torch.float32):
    return 1.0 / (10000.0 ** (torch.arange(0, 128, 2, dtype=dtype, device=DEV) / 128))


def rope_neox(q, positions, inv_freq):
    """q [T, H, 128] rotated at positions [T]: cos/sin computed from positions
    in inv_freq's precision."""
    ang = positions.to(inv_freq.dtype)[:, None] * inv_freq[None]
    cos = ang.cos()[:, None, :].to(q.dtype)
    sin = ang.sin()[:, None, :].to(q.dtype)
    q1, q2 = q[..., :64], q[..., 64:]
    return torch.cat([q1 * cos - q2 * sin, q2 * cos + q1 * sin], dim=-1)


def pe_ffn(x, pe, w1, b1, w2, b2):
    return F.linear(F.relu(F.linear(x + pe, w1, b1)), w2, b2)


def ffn(x, w1, b1, w2, b2):
    return F.linear(F.relu(F.linear(x, w1, b1)), w2, b2)


def swiglu(x, wg, wu, wd):
    return F.linear(F.silu(F.linear(x, wg)) * F.linear(x, wu), wd)


def silu_mul(gu):
    g, u = gu.chunk(2, dim=-1)
    return F.silu(g) * u


def q_rope(x, wq, positions, inv_freq):
    return rope_neox(F.linear(x, wq).view(x.shape[0], 32, 128), positions, inv_freq)


def pe_add(x, pe):
    return x + pe


SWEEP_TOKENS = (1, 2, 4, 8, 16, 32, 64, 128)
# Where max-autotune's Triton GEMMs with fused epilogues can beat cuBLASLt:
# the GEMM-bound configs and the decode sweep (RoPE and PE alone have no GEMM).
AUTOTUNE_DEFAULT = ("bert_pe_ffn", "gpt_pe_ffn", "llama_swiglu", "llama_q_rope", "decode_ffn",
                    "llama3_swiglu")
SWEEP_MODELS = {"decode_ffn": (4096, 16384), "llama3_swiglu": (4096, 14336)}


def kind(name):
    """The config family: a sweep point's model ('decode_ffn_m8' ->
    'decode_ffn'), else the name itself."""
    base, _, tokens = name.rpartition("_m")
    return base if base in SWEEP_MODELS and tokens.isdigit() else name


def reference(name, args):
    """The float64 result of config `name` on `args`, computed on the GPU."""
    a = {k: v.double() if v.is_floating_point() else v for k, v in args.items()}
    name = kind(name)
    if name in ("bert_pe_ffn", "gpt_pe_ffn"):
        _, seq, d = a["x"].shape
        return ffn(a["x"] + sinusoid(seq, d, torch.float64), a["w1"], a["b1"], a["w2"], a["b2"])
    if name == "decode_ffn":
        return ffn(a["x"], a["w1"], a["b1"], a["w2"], a["b2"])
    if name in ("llama_swiglu", "llama3_swiglu"):
        return swiglu(a["x"], a["wg"], a["wu"], a["wd"])
    if name == "llama_q":
        return F.linear(a["x"], a["wq"])
    if name == "llama_q_rope":
        return q_rope(a["x"], a["wq"], a["positions"], inv_freq(torch.float64))
    if name == "rope":
        return rope_neox(a["q"], a["positions"], inv_freq(torch.float64))
    if name == "pe":
        return a["x"] + sinusoid(512, 768, torch.float64)
    raise KeyError(name)


# An output passes when its relative L2 error against the float64 reference
# is within TOLERANCE (bf16 operands and output), and no row of its last
# dimension is off by more than ROW_TOLERANCE: that catches a wrong or
# unwritten row, which barely moves the error of a large tensor.
TOLERANCE, ROW_TOLERANCE = 1e-2, 3e-2


def check(out, ref):
    """(relative L2 error, worst row's relative L2 error); NaN if out has a
    non-finite element."""
    diff = (out.double().reshape(ref.shape) - ref).reshape(-1, ref.shape[-1])
    rows = ref.reshape(-1, ref.shape[-1])
    rel = (diff.norm() / rows.norm()).item()
    worst = (diff.norm(dim=1) / rows.norm(dim=1).clamp_min(1e-30)).max().item()
    if not torch.isfinite(out).all():
        rel = worst = math.nan
    return rel, worst


def passes(rel, worst):
    return rel <= TOLERANCE and worst <= ROW_TOLERANCE


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, device=DEV) * scale).to(torch.bfloat16)


def make_inputs():
    """{config: (ordered {arg name: tensor}, flops)}; names match main.cu."""
    cfg = {}
    for name, b, s, d, dff in (("bert_pe_ffn", 32, 512, 768, 3072),
                               ("gpt_pe_ffn", 4, 2048, 4096, 16384)):
        cfg[name] = (dict(x=randn(b, s, d), w1=randn(dff, d, scale=d**-0.5), b1=randn(dff, scale=0.1),
                          w2=randn(d, dff, scale=dff**-0.5), b2=randn(d, scale=0.1)),
                     2 * 2 * b * s * d * dff)
    cfg["llama_swiglu"] = (dict(x=randn(4096, 4096), wg=randn(11008, 4096, scale=4096**-0.5),
                                wu=randn(11008, 4096, scale=4096**-0.5),
                                wd=randn(4096, 11008, scale=11008**-0.5)),
                           3 * 2 * 4096 * 4096 * 11008)
    cfg["llama_q"] = (dict(x=randn(4096, 4096), wq=randn(4096, 4096, scale=4096**-0.5)),
                      2 * 4096 * 4096 * 4096)
    cfg["llama_q_rope"] = (dict(x=randn(4096, 4096), wq=randn(4096, 4096, scale=4096**-0.5),
                                positions=torch.randint(0, 8192, (4096,), device=DEV)),
                           2 * 4096 * 4096 * 4096)
    cfg["decode_ffn"] = (dict(x=randn(16, 4096), w1=randn(16384, 4096, scale=4096**-0.5),
                              b1=randn(16384, scale=0.1), w2=randn(4096, 16384, scale=16384**-0.5),
                              b2=randn(4096, scale=0.1)),
                         2 * 2 * 16 * 4096 * 16384)
    cfg["rope"] = (dict(q=randn(16384, 32, 128), positions=torch.randint(0, 8192, (16384,), device=DEV)), 0)
    cfg["pe"] = (dict(x=randn(32, 512, 768)), 0)
    # The sweep: fresh activations per point, one set of weights per model
    # (a served layer's weights do not change with the batch size).
    d, dff = SWEEP_MODELS["decode_ffn"]
    w = dict(w1=randn(dff, d, scale=d**-0.5), b1=randn(dff, scale=0.1),
             w2=randn(d, dff, scale=dff**-0.5), b2=randn(d, scale=0.1))
    for m in SWEEP_TOKENS:
        cfg[f"decode_ffn_m{m}"] = (dict(x=randn(m, d), **w), 2 * 2 * m * d * dff)
    d, dff = SWEEP_MODELS["llama3_swiglu"]
    w = dict(wg=randn(dff, d, scale=d**-0.5), wu=randn(dff, d, scale=d**-0.5),
             wd=randn(d, dff, scale=dff**-0.5))
    for m in SWEEP_TOKENS:
        cfg[f"llama3_swiglu_m{m}"] = (dict(x=randn(m, d), **w), 3 * 2 * m * d * dff)
    return cfg


def write_raw(tensor, path):
    t = tensor.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bf16: the same bytes
    t.cpu().numpy().tofile(path)


class AutotuneBudget:
    """Seconds left for max-autotune compiles; a config whose compile would
    start past the budget runs without the autotune peer."""

    def __init__(self, configs, seconds):
        self.configs, self.left = configs, seconds

    def wants(self, name):
        return (name in self.configs or kind(name) in self.configs) and self.left > 0

    def compile(self, fn, args):
        """fn compiled with max-autotune, its compile (the first call on
        args) timed and charged to the budget."""
        compiled = torch.compile(fn, mode="max-autotune-no-cudagraphs")
        start = time.time()
        compiled(*args)
        torch.cuda.synchronize()
        spent = time.time() - start
        self.left -= spent
        print(f"autotune compile {spent:.0f} s, {max(self.left, 0):.0f} s of the budget left",
              flush=True)
        return compiled


def peers(name, args, sets, autotune):
    """{peer: median ms} and {peer: output} on `args` (args['x'] or ['q']
    rotated over `sets` copies); `autotune` (an AutotuneBudget or None)
    decides whether max-autotune joins."""
    config, name = name, kind(name)
    key = "q" if name == "rope" else "x"
    xs = [args[key]] + [args[key].clone() for _ in range(sets - 1)]
    a = dict(args)
    # The model as eager PyTorch writes it: fn(x, *rest). torch.compile
    # compiles that same function.
    fn, rest, calls = None, (), {}
    if name in ("bert_pe_ffn", "gpt_pe_ffn"):
        pe = sinusoid(a["x"].shape[1], a["x"].shape[2])
        fn, rest = pe_ffn, (pe, a["w1"], a["b1"], a["w2"], a["b2"])
        d = a["x"].shape[2]
        calls["cublaslt"] = lambda i: torch.addmm(
            a["b2"], torch._addmm_activation(a["b1"], (xs[i] + pe).view(-1, d), a["w1"].t()),
            a["w2"].t())
    elif name == "decode_ffn":
        fn, rest = ffn, (a["w1"], a["b1"], a["w2"], a["b2"])
        calls["cublaslt"] = lambda i: torch.addmm(
            a["b2"], torch._addmm_activation(a["b1"], xs[i], a["w1"].t()), a["w2"].t())
    elif name in ("llama_swiglu", "llama3_swiglu"):
        wg, wu, wd = a["wg"], a["wu"], a["wd"]
        fn, rest = swiglu, (wg, wu, wd)
        # cuBLASLt compositions: two GEMMs (= eager), one GEMM on the
        # concatenated gate/up weight (packed once, as xfuse packs), and that
        # with the silu * up step compiled. The fastest counts.
        wgu = torch.cat([wg, wu]).contiguous()
        silu_mul_c = torch.compile(silu_mul)
        calls["cublaslt"] = [lambda i: swiglu(xs[i], wg, wu, wd),
                             lambda i: silu_mul(xs[i] @ wgu.t()) @ wd.t(),
                             lambda i: silu_mul_c(xs[i] @ wgu.t()) @ wd.t()]
    elif name == "llama_q":
        # The bare projection: eager's F.linear is the cuBLASLt call itself.
        calls["cublaslt"] = lambda i: F.linear(xs[i], a["wq"])
    elif name == "llama_q_rope":
        inv = inv_freq()
        fn, rest = q_rope, (a["wq"], a["positions"], inv)
        rope_c = torch.compile(rope_neox)
        calls["cublaslt"] = lambda i: rope_c(
            (xs[i] @ a["wq"].t()).view(-1, 32, 128), a["positions"], inv)
    elif name == "rope":
        fn, rest = rope_neox, (a["positions"], inv_freq())
    elif name == "pe":
        fn, rest = pe_add, (sinusoid(512, 768),)
    if fn is not None:
        modes = {"eager": None, "compile": torch.compile(fn)}
        if autotune and autotune.wants(config):
            modes["autotune"] = autotune.compile(fn, (xs[0], *rest))
        for peer, f in modes.items():
            f = f or fn
            calls[peer] = lambda i, f=f: f(xs[i], *rest)
    times, outs = {}, {}
    for peer, fns in calls.items():
        timed = [(median_ms(f, sets), f) for f in (fns if isinstance(fns, list) else [fns])]
        times[peer], fastest = min(timed, key=lambda t: t[0])
        outs[peer] = fastest(0)
    return times, outs


PEERS = ["cublaslt", "autotune", "compile", "eager"]

# Configs bound by their bytes alone, shown against the binary's device
# copy of those bytes (cudaMemcpyAsync, the same rotation, timed in C++:
# torch's copy_ of pe's 25 MB measured 0.0191 ms there, cudaMemcpyAsync
# 0.0162 in bench/decode's run).
BANDWIDTH_BOUND = ("rope", "pe")


def plot(rows, sweep, path):
    """Floor/time per config (bars) and, for the decode sweep, against
    tokens (lines): 1 is the floor."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not found: no plot")
        return
    peers_ = ["xfuse"] + [p for p in PEERS if any(r["ms"].get(p) for r in rows + sweep)]
    models = sorted({kind(r["config"]) for r in sweep})
    fig, axes = plt.subplots(1, 1 + len(models), figsize=(11 + 5 * len(models), 4.5), squeeze=False)
    ax, width = axes[0][0], 0.8 / len(peers_)
    for j, p in enumerate(peers_):
        vals = [r["floor_ms"] / r["ms"][p] if r["ms"].get(p) else 0 for r in rows]
        ax.bar([i + (j - (len(peers_) - 1) / 2) * width for i in range(len(rows))], vals, width, label=p)
    ax.set_xticks(range(len(rows)), [r["config"] for r in rows], rotation=15)
    ax.set_ylabel("floor / time (1 = at the floor)")
    ax.legend()
    for ax, model in zip(axes[0][1:], models):
        points = [r for r in sweep if kind(r["config"]) == model]
        for p in peers_:
            pts = [(r["tokens"], r["floor_ms"] / r["ms"][p]) for r in points if r["ms"].get(p)]
            ax.plot(*zip(*pts), marker="o", label=p) if pts else None
        ax.set_xscale("log", base=2)
        ax.set_xlabel("tokens")
        ax.set_ylabel("floor / time")
        ax.set_title(f"{model} sweep")
        ax.legend()
    fig.suptitle(f"{rows[0]['device'] if rows else sweep[0]['device']}, {time.strftime('%Y-%m-%d')}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot: {path}")


def print_table(title, rows, first_column):
    """A markdown table of rows: times (ms), floor, and each time against
    xfuse's (> 1: xfuse is faster)."""
    shown = [p for p in PEERS if any(r["ms"].get(p) for r in rows)]
    f = lambda v, fmt="{:.4f}": fmt.format(v) if v else "-"
    print(f"\n{title}")
    print(f"| {first_column} | check | xfuse | " + " | ".join(shown) + " | floor | floor/xfuse | "
          + " | ".join(f"{p}/xfuse" for p in shown) + " |")
    print("| --- " * (5 + 2 * len(shown)) + "|")
    for r in rows:
        xf = r["ms"].get("xfuse")
        ratio = lambda v: f(v / xf, "{:.2f}") if (v and xf) else "-"
        print(f"| {r[first_column]} | {'PASS' if r['ok'] else 'FAIL'} {f(r['rel_l2'], '{:.1e}')} | {f(xf)} | "
              + " | ".join(f(r["ms"].get(p)) for p in shown)
              + f" | {f(r['floor_ms'])} | {ratio(r['floor_ms'])} | "
              + " | ".join(ratio(r["ms"].get(p)) for p in shown) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, "bench", "results"))
    parser.add_argument("--configs", default="",
                        help="comma-separated subset of the configs (default: all)")
    parser.add_argument("--binary", default=BINARY,
                        help="the xfuse side, built from bench/e2e (default: bench/build's)")
    parser.add_argument("--no-peers", action="store_true",
                        help="time xfuse alone (e.g. under a profiler); the table shows no peers")
    parser.add_argument("--autotune", nargs="?", const=",".join(AUTOTUNE_DEFAULT), default="",
                        metavar="CONFIGS",
                        help='add torch.compile(mode="max-autotune-no-cudagraphs") as a peer of '
                             'these configs or sweep models (default: '
                             + ",".join(AUTOTUNE_DEFAULT) + ")")
    parser.add_argument("--autotune-budget", type=float, default=300, metavar="SECONDS",
                        help="compile time the autotune peer may take in all (default 300)")
    opts = parser.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    seed = int(time.time())
    torch.manual_seed(seed)
    device = torch.cuda.get_device_name()
    print(f"{device}, torch {torch.__version__}, seed {seed}", flush=True)

    gemm_tflops, copy_tbps = ceilings()
    print(f"ceilings: bf16 GEMM {gemm_tflops:.0f} TFLOP/s, copy {copy_tbps:.2f} TB/s", flush=True)

    inputs = make_inputs()
    if opts.configs:
        wanted = opts.configs.split(",")
        unknown = sorted(set(wanted) - set(inputs))
        if unknown:
            parser.error(f"unknown configs {unknown}; known: {sorted(inputs)}")
        inputs = {k: v for k, v in inputs.items() if k in wanted}
    with tempfile.TemporaryDirectory() as tmp:
        written = {}  # a tensor shared by configs is written once, then linked
        for name, (args, _) in inputs.items():
            for arg, t in args.items():
                path = os.path.join(tmp, f"{name}.{arg}.bin")
                if id(t) in written:
                    os.symlink(written[id(t)], path)
                else:
                    write_raw(t, path)
                    written[id(t)] = path
        xjson = os.path.join(opts.out, "xfuse.json")
        proc = subprocess.run([opts.binary, tmp, xjson] + (list(inputs) if opts.configs else []))
        xres = json.load(open(xjson))["configs"]
        xouts = {}
        for name, (args, _) in inputs.items():
            path = os.path.join(tmp, f"{name}.out.bin")
            if os.path.exists(path):
                xouts[name] = torch.from_file(path, size=os.path.getsize(path) // 2,
                                              dtype=torch.bfloat16).clone()

    rows = []
    all_pass = proc.returncode == 0
    autotune = (AutotuneBudget(set(opts.autotune.split(",")), opts.autotune_budget)
                if opts.autotune else None)
    for name, (args, flops) in inputs.items():
        x = xres.get(name, {})
        sets = x.get("sets", 1)
        p, pouts = ({}, {}) if opts.no_peers else peers(name, args, sets, autotune)
        ref = reference(name, args)
        if name in xouts:
            xouts[name] = xouts[name].view(ref.shape).to(DEV)
        checks = {peer: check(o, ref) for peer, o in [("xfuse", xouts.get(name))] + list(pouts.items())
                  if o is not None}
        for peer in ["xfuse"] + list(pouts):
            rel, worst = checks.get(peer, (math.nan, math.nan))
            ok = passes(rel, worst)
            all_pass = all_pass and ok
            print(f"check {name:<18} {peer:<9} {'PASS' if ok else 'FAIL'}  rel L2 {rel:.2e}  "
                  f"worst row {worst:.2e}", flush=True)
        nbytes = sum(t.numel() * t.element_size() for t in args.values())
        # The bf16 output has as many elements as the activations, everywhere.
        nbytes += args["q" if name == "rope" else "x"].numel() * 2
        floor = max(flops / (gemm_tflops * 1e9), nbytes / (copy_tbps * 1e9))
        xms = x.get("median_ms")
        copy = x.get("copy_ms") if name in BANDWIDTH_BOUND else None
        rows.append(dict(copy_ms=copy if copy and copy > 0 else None, config=name, device=device,
                         tokens=args["x"].shape[0] if kind(name) != name else None,
                         ok=x.get("ok", False) and passes(*checks.get("xfuse", (math.nan,) * 2)),
                         rel_l2=checks.get("xfuse", (None,))[0], checks=checks,
                         sets=sets, ms=dict(p, xfuse=xms if xms and xms > 0 else None),
                         host_us=x.get("host_us_median"),
                         floor_ms=floor, flops=flops, bytes=nbytes))

    result = dict(device=device, torch=torch.__version__, seed=seed, gemm_tflops=gemm_tflops,
                  copy_tbps=copy_tbps, timed_calls=TIMED, rows=rows)
    json.dump(result, open(os.path.join(opts.out, "bench.json"), "w"), indent=1)
    main_rows = [r for r in rows if r["tokens"] is None]
    sweep = [r for r in rows if r["tokens"] is not None]
    plot(main_rows, sweep, os.path.join(opts.out, "bench.png"))

    print(f"\n{device}; bf16 GEMM {gemm_tflops:.0f} TFLOP/s, copy {copy_tbps:.2f} TB/s (measured now); "
          f"median of {TIMED} event-timed calls (ms); ratios > 1: xfuse is faster")
    if main_rows:
        print_table("configs", main_rows, "config")
    copied = [r for r in main_rows if r["copy_ms"] and r["ms"].get("xfuse")]
    if copied:
        print("\nbandwidth-bound configs against a device copy of their bytes "
              "(cudaMemcpyAsync in the xfuse binary, same rotation)")
        print("| config | MB read + written | xfuse | copy | copy/xfuse | copy TB/s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in copied:
            print(f"| {r['config']} | {r['bytes'] / 1e6:.1f} | {r['ms']['xfuse']:.4f} | "
                  f"{r['copy_ms']:.4f} | {r['copy_ms'] / r['ms']['xfuse']:.2f} | "
                  f"{r['bytes'] / r['copy_ms'] / 1e9:.2f} |")
    for model in sorted({kind(r["config"]) for r in sweep}):
        d, dff = SWEEP_MODELS[model]
        print_table(f"decode sweep: {model} (d {d}, dff {dff})",
                    [r for r in sweep if kind(r["config"]) == model], "tokens")
    return 0 if all_pass else 1


if __name__ == "__main__":
    sys.exit(main())
