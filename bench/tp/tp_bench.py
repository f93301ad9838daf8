"""Tensor-parallel FFN bench on the GPUs of one host (bench/tp/run.sh runs it).

One process per GPU (torchrun). In the same process, on the same tensors:
  * xfuse sharded across the ranks (libxfuse_tp_bench_n<N>.so, bench/tp/build.sh),
  * xfuse on one GPU (the same graph compiled unsharded),
  * PyTorch's tensor parallel, as /work/shared/peers/tp_baseline.py: F.linear
    on column / row shards, one all_reduce after the second GEMM,
  * PyTorch on one GPU.
Every xfuse result is checked against a float64 reference on fresh random
inputs (the seed is printed; XFUSE_TP_SEED=<seed> repeats a run), with its
output poisoned with NaN before the call. Times are medians of CUDA-event
intervals on each rank, the slowest rank's. Rank 0 prints the table and, when
$OUT is set, writes $OUT/tp_bench.json. Exits non-zero when a check fails.
"""
import ctypes
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
lib = ctypes.CDLL(os.path.join(here, "build", f"libxfuse_tp_bench_n{world}.so"))
lib.xfuse_tp_error.restype = ctypes.c_char_p
lib.xfuse_tp_layer_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                      ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p,
                                      ctypes.POINTER(ctypes.c_void_p)]
lib.xfuse_tp_layer_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                   ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
lib.xfuse_tp_layer_destroy.argtypes = [ctypes.c_void_p]
assert lib.xfuse_tp_ranks() == world, "the library was built for another rank count"


def check(code):
    if code != 0:
        raise RuntimeError(f"rank {rank}: xfuse: {lib.xfuse_tp_error().decode()}")


def stream_handle():
    return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)


# The communicator: rank 0's NCCL id, broadcast through torch.distributed.
unique_id = torch.zeros(128, dtype=torch.uint8)
if rank == 0:
    buffer = (ctypes.c_ubyte * 128)()
    check(lib.xfuse_tp_unique_id(buffer, 128))
    unique_id = torch.tensor(list(bytes(buffer)), dtype=torch.uint8)
unique_id = unique_id.to(dev)
dist.broadcast(unique_id, 0)
id_bytes = (ctypes.c_ubyte * 128)(*unique_id.cpu().tolist())
check(lib.xfuse_tp_init(id_bytes, rank, torch.cuda.current_device()))


class XfuseLayer:
    """One variant of a graph with the full weights given; keeps its parts."""

    def __init__(self, variant, weights):
        pointers = (ctypes.c_void_p * len(weights))(*[w.data_ptr() for w in weights])
        dims = []
        for w in weights:
            dims += [w.shape[0], w.shape[1] if w.dim() == 2 else 0]
        shapes = (ctypes.c_int64 * len(dims))(*dims)
        self.handle = ctypes.c_void_p()
        check(lib.xfuse_tp_layer_create(variant.encode(), pointers, shapes, stream_handle(),
                                        ctypes.byref(self.handle)))
        torch.cuda.synchronize()

    def __call__(self, x, y):
        check(lib.xfuse_tp_layer_run(self.handle, ctypes.c_void_p(x.data_ptr()),
                                     ctypes.c_void_p(y.data_ptr()), x.shape[0], x.shape[1],
                                     stream_handle()))
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
SWEEP_ROW_BLOCKS = (1, 4, 8)  # beside the pipeline's, for prefill graphs
seed = int(os.environ.get("XFUSE_TP_SEED", time.time_ns() % (1 << 31)))
seed_t = torch.tensor([seed], device=dev)
dist.broadcast(seed_t, 0)
seed = int(seed_t.item())
TOLERANCE = 1e-2  # relative L2 of bf16 results, as tests/reference

weights_of = {}  # (kind, d, dff) -> the full weights, the same on every rank
rows, sweep, failed = [], [], False
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

    # The float64 reference and PyTorch's versions, on the same tensors.
    sh = dff // world
    part = slice(rank * sh, (rank + 1) * sh)
    x64 = x.double()
    if relu:
        w1, b1, w2 = weights
        reference = F.linear(F.relu(F.linear(x64, w1.double(), b1.double())), w2.double())
        w1s, b1s, w2s = w1[part].contiguous(), b1[part].contiguous(), w2[:, part].contiguous()
        torch_local = lambda: F.linear(F.relu(F.linear(x, w1s, b1s)), w2s)
        torch_single = lambda: F.linear(F.relu(F.linear(x, w1, b1)), w2)
    else:
        wg, wu, wd = weights
        reference = F.linear(F.silu(F.linear(x64, wg.double())) * F.linear(x64, wu.double()),
                             wd.double())
        wgu = torch.cat([wg[part], wu[part]]).contiguous()
        wds = wd[:, part].contiguous()
        wgu_full = torch.cat([wg, wu]).contiguous()

        def torch_local():
            g, u = F.linear(x, wgu).chunk(2, -1)
            return F.linear(F.silu(g) * u, wds)

        def torch_single():
            g, u = F.linear(x, wgu_full).chunk(2, -1)
            return F.linear(F.silu(g) * u, wd)
    del x64

    def torch_tp():
        y = torch_local()
        dist.all_reduce(y)
        return y

    def checked(layer):
        """The slowest rank's relative error of `layer` (NaN-poisoned output)."""
        y = torch.full((tokens, d), math.nan, device=dev, dtype=torch.bfloat16)
        error = torch.tensor([rel_l2(layer(x, y), reference)], device=dev, dtype=torch.float64)
        dist.all_reduce(error, op=dist.ReduceOp.MAX)
        return error.item(), y

    variants = [("single", graph + "_single"), ("tp", graph + "_tp")]
    if not graph.endswith("_decode"):
        variants += [(f"rb{b}", f"{graph}_tp_rb{b}") for b in SWEEP_ROW_BLOCKS]
    layers = [(label, XfuseLayer(variant, weights)) for label, variant in variants]
    errors, calls = {}, []
    for label, layer in layers:
        errors[label], y = checked(layer)
        failed |= not errors[label] <= TOLERANCE
        calls.append(lambda layer=layer, y=y: layer(x, y))
    torch_error = rel_l2(torch_tp(), reference)
    del reference
    results = {label: (errors[label], median_ms(call)) for (label, _), call in zip(layers, calls)}
    t_torch_tp = median_ms(torch_tp)
    t_torch_single = median_ms(torch_single)
    del layers, calls
    (err_single, t_single), (err_tp, t_tp) = results["single"], results["tp"]
    rows.append(dict(config=name, tokens=tokens, d=d, dff=dff, world=world, seed=seed,
                     xfuse_single_ms=t_single, xfuse_tp_ms=t_tp,
                     torch_tp_ms=t_torch_tp, torch_single_ms=t_torch_single,
                     speedup_vs_xfuse_single=t_single / t_tp,
                     speedup_vs_torch_tp=t_torch_tp / t_tp,
                     torch_tp_speedup=t_torch_single / t_torch_tp,
                     rel_err_tp=err_tp, rel_err_single=err_single, rel_err_torch_tp=torch_error,
                     check="PASS" if max(err_tp, err_single) <= TOLERANCE else "FAIL"))
    for label, (error, t) in results.items():
        if label.startswith("rb"):
            sweep.append(dict(config=name, row_blocks=int(label[2:]), ms=t, rel_err=error,
                              speedup_vs_xfuse_single=t_single / t,
                              check="PASS" if error <= TOLERANCE else "FAIL"))

if rank == 0:
    print(f"\ntensor-parallel FFN, {world} GPUs, bf16, seed {seed} "
          f"(XFUSE_TP_SEED={seed} repeats it); times in ms, slowest rank's median")
    header = (f"{'config':<24}{'tokens':>7}{'xfuse 1':>9}{'xfuse TP':>10}{'speed-up':>9}"
              f"{'torch TP':>10}{'vs torch':>9}{'torch 1':>9}{'err TP':>9}{'err 1':>9}  check")
    print(header)
    for r in rows:
        print(f"{r['config']:<24}{r['tokens']:>7}{r['xfuse_single_ms']:>9.3f}{r['xfuse_tp_ms']:>10.3f}"
              f"{r['speedup_vs_xfuse_single']:>8.2f}x{r['torch_tp_ms']:>10.3f}"
              f"{r['speedup_vs_torch_tp']:>8.2f}x{r['torch_single_ms']:>9.3f}"
              f"{r['rel_err_tp']:>9.1e}{r['rel_err_single']:>9.1e}  {r['check']}")
    print("\nrow blocks of the down GEMM's all-reduce (the table above: the pipeline's 2)")
    print(f"{'config':<24}{'blocks':>7}{'xfuse TP':>10}{'speed-up':>9}{'err':>9}  check")
    for r in sweep:
        print(f"{r['config']:<24}{r['row_blocks']:>7}{r['ms']:>10.3f}"
              f"{r['speedup_vs_xfuse_single']:>8.2f}x{r['rel_err']:>9.1e}  {r['check']}")
    if os.environ.get("OUT"):
        with open(os.path.join(os.environ["OUT"], "tp_bench.json"), "w") as f:
            json.dump(dict(configs=rows, row_block_sweep=sweep), f, indent=1)
weights_of.clear()
lib.xfuse_tp_finalize()
dist.destroy_process_group()
sys.exit(1 if failed else 0)
