"""Tensor-parallel FFN bench on the GPUs of one host (bench/tp/run.sh runs it).

One process per GPU (torchrun). In the same process, on the same tensors:
  * xfuse sharded across the ranks (libxfuse_tp_bench_n<N>.so, bench/tp/build.sh),
  * xfuse on one GPU (the same graph compiled unsharded),
  * PyTorch's tensor parallel, as /work/shared/peers/tp_baseline.py: F.linear
    on column / row shards, one all_reduce after the second GEMM,
  * PyTorch on one GPU.
Beside them, to tell the GEMMs' time from the collective's: xfuse on one GPU
with the rank's part of the weights (<graph>_local, one rank's GEMMs alone),
PyTorch's NCCL all-reduce alone on the output, and for prefill xfuse with a
reduce-scatter (<graph>_tp_rs, each rank's rows: sequence parallelism) and
the row-block sweep.
Every xfuse result is checked against a float64 reference on fresh random
inputs (the seed is printed; XFUSE_TP_SEED=<seed> repeats a run), with its
output poisoned with NaN before the call. Times are medians of CUDA-event
intervals on each rank, the slowest rank's. Rank 0 prints the table and, when
$OUT is set, writes $OUT/tp_bench<XFUSE_TP_TAG>.json. XFUSE_TP_CONFIGS=a,b
runs only the configs whose graph is named (gpt_relu_decode, ...). On one
GPU (`XFUSE_TP_RANKS=2 bench/tp/run.sh 1`) it runs what needs no second GPU:
xfuse and PyTorch on one GPU and one rank's GEMMs alone (local), in the
columns of the sharded ones. Exits non-zero when a check fails.
"""
import ctypes
import gc
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

# NVLink multicast can take the host's shared GPUs down: run.sh turns it off.
for name, value in (("NCCL_NVLS_ENABLE", "0"), ("TORCH_SYMM_MEM_DISABLE_MULTICAST", "1"),
                    ("NVSHMEM_DISABLE_NVLS", "1")):
    assert os.environ.get(name) == value, f"{name}={value} must be set (bench/tp/run.sh)"

dist.init_process_group("nccl")
rank, world = dist.get_rank(), dist.get_world_size()
torch.cuda.set_device(rank % torch.cuda.device_count())
dev = torch.device("cuda", torch.cuda.current_device())

here = os.path.dirname(os.path.abspath(__file__))
# The ranks the graphs are sharded for: the processes', unless one GPU runs
# one rank's share alone.
ranks = int(os.environ.get("XFUSE_TP_RANKS", world))
one_gpu = world == 1 and ranks > 1
lib = ctypes.CDLL(os.path.join(here, "build", f"libxfuse_tp_bench_n{ranks}.so"))
lib.xfuse_tp_error.restype = ctypes.c_char_p
lib.xfuse_tp_layer_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                      ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p,
                                      ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
lib.xfuse_tp_init.argtypes = [ctypes.POINTER(ctypes.c_ubyte), ctypes.c_int, ctypes.c_int, ctypes.c_int,
                              ctypes.POINTER(ctypes.c_int)]
lib.xfuse_tp_layer_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                   ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                                   ctypes.c_void_p]
lib.xfuse_tp_variant_name.restype = ctypes.c_char_p
lib.xfuse_tp_layer_destroy.argtypes = [ctypes.c_void_p]
assert lib.xfuse_tp_ranks() == ranks, "the library was built for another rank count"


def check(code):
    if code != 0:
        raise RuntimeError(f"rank {rank}: xfuse: {lib.xfuse_tp_error().decode()}")


def stream_handle():
    return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)


def new_communicator(ctas):
    """An xfuse communicator whose collectives run on `ctas` CTAs (0: NCCL's
    choice), from rank 0's NCCL id broadcast through torch.distributed; its
    index for XfuseLayer."""
    unique_id = torch.zeros(128, dtype=torch.uint8)
    if rank == 0:
        buffer = (ctypes.c_ubyte * 128)()
        check(lib.xfuse_tp_unique_id(buffer, 128))
        unique_id = torch.tensor(list(bytes(buffer)), dtype=torch.uint8)
    unique_id = unique_id.to(dev)
    dist.broadcast(unique_id, 0)
    id_bytes = (ctypes.c_ubyte * 128)(*unique_id.cpu().tolist())
    index = ctypes.c_int()
    check(lib.xfuse_tp_init(id_bytes, rank, torch.cuda.current_device(), ctas,
                            ctypes.byref(index)))
    return index.value


# NCCL's choice of CTAs for every variant; beside it, for the prefill row
# blocks, communicators of XFUSE_TP_CTAS CTAs each (default 16): their
# down GEMM blocks leave those SMs to the all-reduces (tp_cta<C>,
# tp_rb4_cta<C>).
capped = {}
if not one_gpu:
    new_communicator(0)
    for c in os.environ.get("XFUSE_TP_CTAS", "16").split(","):
        if c:
            try:
                capped[int(c)] = new_communicator(int(c))
            except RuntimeError as error:  # the same on every rank
                print(f"rank {rank}: no communicator of {c} CTAs: {error}", flush=True)


class XfuseLayer:
    """One variant of a graph with the full weights given; keeps its parts."""

    def __init__(self, variant, weights, communicator=0):
        pointers = (ctypes.c_void_p * len(weights))(*[w.data_ptr() for w in weights])
        dims = []
        for w in weights:
            dims += [w.shape[0], w.shape[1] if w.dim() == 2 else 0]
        shapes = (ctypes.c_int64 * len(dims))(*dims)
        self.handle = ctypes.c_void_p()
        check(lib.xfuse_tp_layer_create(variant.encode(), pointers, shapes, stream_handle(),
                                        communicator, ctypes.byref(self.handle)))
        torch.cuda.synchronize()

    def __call__(self, x, y):
        check(lib.xfuse_tp_layer_run(self.handle, ctypes.c_void_p(x.data_ptr()),
                                     ctypes.c_void_p(y.data_ptr()), x.shape[0], x.shape[1],
                                     y.shape[0], stream_handle()))
        return y

    def __del__(self):
        lib.xfuse_tp_layer_destroy(self.handle)


def median_ms(fn, iters=50, warm=25):
    """The median time of `fn`, the slowest rank's. Each function is timed
    on its own, after a barrier: timed in turns, a collective would wait for
    the other rank's previous, unrelated call."""
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    dist.barrier()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    stops = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    for i in range(iters):
        starts[i].record()
        fn()
        stops[i].record()
    torch.cuda.synchronize()
    t = sorted(s.elapsed_time(e) for s, e in zip(starts, stops))[iters // 2]
    tt = torch.tensor([t], device=dev)
    dist.all_reduce(tt, op=dist.ReduceOp.MAX)
    return tt.item()


def graphed(fn):
    """`fn` captured in a CUDA graph, as serving engines run decode steps: its
    replay, without the host's cost of launching (None if capture fails)."""
    try:
        fn()
        torch.cuda.synchronize()
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            fn()
        torch.cuda.synchronize()
        return graph.replay
    except RuntimeError as error:
        print(f"rank {rank}: CUDA graph capture failed: {error}", flush=True)
        return None


def rel_l2(y, reference):
    y = y.double()
    if not torch.isfinite(y).all():
        return math.inf
    return ((y - reference).norm() / reference.norm()).item()


# name, tokens, d, dff, graph (bench/tp/build.sh): prefill graphs take any
# token count, decode graphs were compiled for theirs.
configs = [
    ("gpt relu", 8192, 4096, 16384, "gpt_relu"),
    ("llama7b swiglu", 4096, 4096, 11008, "llama7b_swiglu"),
    ("llama70b swiglu", 4096, 8192, 28672, "llama70b_swiglu"),
    ("decode relu", 16, 4096, 16384, "gpt_relu_decode"),
    ("decode llama70b swiglu", 16, 8192, 28672, "llama70b_swiglu_decode"),
]
only = os.environ.get("XFUSE_TP_CONFIGS")
if only:
    configs = [c for c in configs if c[4] in only.split(",")]
tag = os.environ.get("XFUSE_TP_TAG", "")
# The library's variants: <graph>_<label>, as bench/tp/build.sh names them.
library_variants = [lib.xfuse_tp_variant_name(i).decode()
                    for i in range(lib.xfuse_tp_variant_count())]
seed = int(os.environ.get("XFUSE_TP_SEED", time.time_ns() % (1 << 31)))
seed_t = torch.tensor([seed], device=dev)
dist.broadcast(seed_t, 0)
seed = int(seed_t.item())
TOLERANCE = 1e-2  # relative L2 of bf16 results, as tests/reference

weights_of = {}  # (kind, d, dff) -> the full weights, the same on every rank
table, sweep, failed = [], [], False
for index, (name, tokens, d, dff, graph) in enumerate(configs):
    relu = "relu" in graph
    key = (relu, d, dff)
    if key not in weights_of:
        weights_of.clear()
        torch.cuda.empty_cache()
        wgen = torch.Generator(device=dev).manual_seed(seed + 7 + index)

        def randn(*shape, scale=1.0):
            return (torch.randn(*shape, device=dev, generator=wgen) * scale).to(torch.bfloat16)

        if relu:
            weights_of[key] = [randn(dff, d, scale=d ** -0.5), randn(dff, scale=0.1),
                               randn(d, dff, scale=dff ** -0.5)]
        else:
            weights_of[key] = [randn(dff, d, scale=d ** -0.5), randn(dff, d, scale=d ** -0.5),
                               randn(d, dff, scale=dff ** -0.5)]
    weights = weights_of[key]
    generator = torch.Generator(device=dev).manual_seed(seed + 1000 * index)
    x = torch.randn(tokens, d, device=dev, generator=generator).to(torch.bfloat16)

    # The float64 reference and PyTorch's versions, on the same tensors;
    # `local_weights` are this rank's parts, `local_reference` its partial sum.
    sh = dff // ranks
    part = slice(rank * sh, (rank + 1) * sh)
    x64 = x.double()
    if relu:
        w1, b1, w2 = weights
        w1s, b1s, w2s = w1[part].contiguous(), b1[part].contiguous(), w2[:, part].contiguous()
        ffn64 = lambda a, b, c: F.linear(F.relu(F.linear(x64, a.double(), b.double())), c.double())
        reference = ffn64(w1, b1, w2)
        local_weights = [w1s, b1s, w2s]
        torch_local = lambda: F.linear(F.relu(F.linear(x, w1s, b1s)), w2s)
        torch_single = lambda: F.linear(F.relu(F.linear(x, w1, b1)), w2)
    else:
        wg, wu, wd = weights
        ffn64 = lambda a, b, c: F.linear(F.silu(F.linear(x64, a.double())) *
                                         F.linear(x64, b.double()), c.double())
        reference = ffn64(wg, wu, wd)
        wgu = torch.cat([wg[part], wu[part]]).contiguous()
        wds = wd[:, part].contiguous()
        wgu_full = torch.cat([wg, wu]).contiguous()
        local_weights = [wg[part].contiguous(), wu[part].contiguous(), wds]

        def torch_local():
            g, u = F.linear(x, wgu).chunk(2, -1)
            return F.linear(F.silu(g) * u, wds)

        def torch_single():
            g, u = F.linear(x, wgu_full).chunk(2, -1)
            return F.linear(F.silu(g) * u, wd)
    local_reference = ffn64(*local_weights) if graph + "_local" in library_variants else None
    del x64

    def torch_tp():
        y = torch_local()
        if not one_gpu:
            dist.all_reduce(y)
        return y

    output = torch.empty(tokens, d, device=dev, dtype=torch.bfloat16)
    nccl_all_reduce = lambda: dist.all_reduce(output)

    def checked(layer, expected):
        """The slowest rank's relative error of `layer` (NaN-poisoned output)."""
        y = torch.full(expected.shape, math.nan, device=dev, dtype=torch.bfloat16)
        error = torch.tensor([rel_l2(layer(x, y), expected)], device=dev, dtype=torch.float64)
        dist.all_reduce(error, op=dist.ReduceOp.MAX)
        return error.item(), y

    # label -> (the layer's weights, what it computes): the whole output,
    # this rank's rows of it (rs), or this rank's partial sum (local).
    rows = tokens // ranks
    expected_of = {"local": (local_weights, local_reference),
                   "tp_rs": (weights, reference[rank * rows:(rank + 1) * rows])}
    labels = [name[len(graph) + 1:] for name in library_variants if name.startswith(graph + "_")]
    labels = [label for label in labels if label in ("single", "local") or
              (not one_gpu and (label == "tp" or label.startswith("tp_")))]
    # The sharded columns: one rank's GEMMs alone where one GPU runs them.
    tp_label = "local" if one_gpu else "tp"
    # (label, variant, communicator): the row blocks again on each capped
    # communicator, for prefill.
    runs = [(label, f"{graph}_{label}", 0) for label in labels]
    if tokens > 64:
        runs += [(f"{label}_cta{ctas}", f"{graph}_{label}", index)
                 for ctas, index in capped.items() for label in ("tp", "tp_rb4")
                 if label in labels]
    errors, calls, labels = {}, [], []
    for label, variant, communicator in runs:
        layer_weights, expected = expected_of.get(label, (weights, reference))
        layer = XfuseLayer(variant, layer_weights, communicator)
        errors[label], y = checked(layer, expected)
        failed |= not errors[label] <= TOLERANCE
        calls.append(lambda layer=layer, y=y: layer(x, y))
        labels.append(label)
    torch_error = math.nan if one_gpu else rel_l2(torch_tp(), reference)
    del reference, local_reference, expected_of
    results = {label: (errors[label], median_ms(call)) for label, call in zip(labels, calls)}
    t_torch_tp = median_ms(torch_tp)
    t_torch_single = median_ms(torch_single)
    t_all_reduce = math.nan if one_gpu else median_ms(nccl_all_reduce)
    # Decode steps again as CUDA graphs: the device's time alone, where the
    # host's launches (ctypes, TMA descriptors, NCCL's enqueue) may be what
    # an eager decode step waits for.
    graph_ms = {}
    if tokens <= 64:
        by_label = dict(zip(labels, calls))
        for label, fn in (("single", by_label["single"]), ("tp", by_label[tp_label]),
                          ("torch_single", torch_single), ("torch_tp", torch_tp),
                          ("all_reduce", nccl_all_reduce)):
            replay = graphed(fn)
            graph_ms[label] = median_ms(replay) if replay else math.nan
            # The graph holds NCCL's resources for its collectives: free it
            # before the next is captured and before the communicators go.
            del replay
            gc.collect()
    del calls
    (err_single, t_single), (err_tp, t_tp) = results["single"], results[tp_label]
    table.append(dict(config=name, tokens=tokens, d=d, dff=dff, world=world, seed=seed,
                     tag=tag, xfuse_single_ms=t_single, xfuse_tp_ms=t_tp,
                     nccl_all_reduce_ms=t_all_reduce, cuda_graph_ms=graph_ms,
                     variants={label: dict(ms=t, rel_err=error)
                               for label, (error, t) in results.items()},
                     torch_tp_ms=t_torch_tp, torch_single_ms=t_torch_single,
                     speedup_vs_xfuse_single=t_single / t_tp,
                     speedup_vs_torch_tp=t_torch_tp / t_tp,
                     torch_tp_speedup=t_torch_single / t_torch_tp,
                     rel_err_tp=err_tp, rel_err_single=err_single, rel_err_torch_tp=torch_error,
                     check="PASS" if max(err_tp, err_single) <= TOLERANCE else "FAIL"))
    for label, (error, t) in results.items():
        if label not in ("single", tp_label):
            sweep.append(dict(config=name, variant=label, ms=t, rel_err=error,
                              speedup_vs_xfuse_single=t_single / t,
                              check="PASS" if error <= TOLERANCE else "FAIL"))

if rank == 0:
    if one_gpu:
        print(f"\nONE GPU: the TP columns are one rank's share of {ranks} alone "
              f"(xfuse <graph>_local, PyTorch's local F.linear), no collective")
    print(f"\ntensor-parallel FFN, {world} GPUs, bf16, seed {seed} "
          f"(XFUSE_TP_SEED={seed} repeats it){' ' + tag if tag else ''}; "
          f"times in ms, slowest rank's median")
    header = (f"{'config':<24}{'tokens':>7}{'xfuse 1':>9}{'xfuse TP':>10}{'speed-up':>9}"
              f"{'torch TP':>10}{'vs torch':>9}{'torch 1':>9}{'err TP':>9}{'err 1':>9}  check")
    print(header)
    for r in table:
        print(f"{r['config']:<24}{r['tokens']:>7}{r['xfuse_single_ms']:>9.3f}{r['xfuse_tp_ms']:>10.3f}"
              f"{r['speedup_vs_xfuse_single']:>8.2f}x{r['torch_tp_ms']:>10.3f}"
              f"{r['speedup_vs_torch_tp']:>8.2f}x{r['torch_single_ms']:>9.3f}"
              f"{r['rel_err_tp']:>9.1e}{r['rel_err_single']:>9.1e}  {r['check']}")
    print("\nwhere the time goes: one rank's GEMMs alone (local: one GPU, the rank's"
          "\nweights), PyTorch's NCCL all-reduce of the output alone")
    print(f"{'config':<24}{'xfuse TP':>10}{'local':>9}{'all-red.':>9}{'sum':>9}")
    for r in table:
        local = r["variants"].get("local", {}).get("ms", math.nan)
        print(f"{r['config']:<24}{r['xfuse_tp_ms']:>10.3f}{local:>9.3f}"
              f"{r['nccl_all_reduce_ms']:>9.3f}{local + r['nccl_all_reduce_ms']:>9.3f}")
    print("\ndecode steps as CUDA graphs (replays: the device's time, no host launches)")
    print(f"{'config':<24}{'xfuse 1':>9}{'xfuse TP':>10}{'speed-up':>9}{'torch 1':>9}"
          f"{'torch TP':>10}{'all-red.':>9}")
    for r in table:
        g = r["cuda_graph_ms"]
        if g:
            print(f"{r['config']:<24}{g['single']:>9.3f}{g['tp']:>10.3f}"
                  f"{g['single'] / g['tp']:>8.2f}x{g['torch_single']:>9.3f}"
                  f"{g['torch_tp']:>10.3f}{g['all_reduce']:>9.3f}")
    print("\nother variants: tp_rb<B> B row blocks of the down GEMM (the table above: the"
          "\npipeline's), tp_rs a reduce-scatter (each rank's rows), local one rank's GEMMs")
    print(f"{'config':<24}{'variant':>8}{'ms':>10}{'speed-up':>9}{'err':>9}  check")
    for r in sweep:
        print(f"{r['config']:<24}{r['variant']:>8}{r['ms']:>10.3f}"
              f"{r['speedup_vs_xfuse_single']:>8.2f}x{r['rel_err']:>9.1e}  {r['check']}")
    if os.environ.get("OUT"):
        with open(os.path.join(os.environ["OUT"], f"tp_bench{tag}.json"), "w") as f:
            json.dump(dict(device=torch.cuda.get_device_name(), world=world, ranks=ranks,
                           nccl=".".join(map(str, torch.cuda.nccl.version())),
                           date=time.strftime("%Y-%m-%d", time.gmtime()),
                           configs=table, variants=sweep), f, indent=1)
weights_of.clear()
gc.collect()
torch.cuda.synchronize()
sys.stdout.flush()
dist.barrier()
lib.xfuse_tp_finalize()
dist.destroy_process_group()
sys.exit(1 if failed else 0)
