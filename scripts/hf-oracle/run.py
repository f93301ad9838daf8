#!/usr/bin/env python3
"""Checks xfuse's generated kernels against transformers, config by config.

    python3 scripts/hf-oracle/run.py --build build-hf-oracle --out $OUT

On a GPU machine with PyTorch and transformers (no network: every module is
built from the shipped config with random weights). For each graph that
scripts/hf-oracle/build.sh imported from tests/import/configs:

  qk         the generated q/k projections with RoPE against the model's own
             rotary-embedding module and apply_rotary_pos_emb (DeepSeek-V2:
             apply_rotary_emb; Qwen2-VL: apply_multimodal_rotary_pos_emb), at
             positions below, at and past original_max_position_embeddings
             (one call per band: LongRoPE picks its factors per call);
  mlp        the generated norm + MLP against the model's norm and MLP
             modules (BERT: BertIntermediate + BertOutput; gpt-oss: one
             expert of GptOssExperts);
  positions  the generated learned positions against an embedding lookup.

The reference is transformers in float32 (TF32 off) on the same weights;
the bound is the graph's element type's: bf16 1e-2, f16 2e-3 relative L2,
and f32 1e-5 (the f32 q/k graphs check cos/sin). transformers' own f32
angle, position * inv_freq rounded to f32, drifts past 1e-5 at large
positions, so f32 at and past the training context is bounded against a
float64 evaluation of the rotation where the RoPE is unscaled (and only
reported elsewhere). transformers in the graph's element type is reported
beside it. Writes OUT/results.json and OUT/results.md and exits non-zero if
any check fails.
"""
import argparse
import ctypes
import glob
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

import torch
import transformers

DTYPES = {"f32": (torch.float32, 0), "f16": (torch.float16, 1),
          "bf16": (torch.bfloat16, 2), "i32": (torch.int32, 3),
          "i64": (torch.int64, 4)}
TOLERANCES = {"f32": 1e-5, "f16": 2e-3, "bf16": 1e-2}
TOKENS = 64


class OracleTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.c_int64 * 8)]


class Kernels:
    """The oracle library: each generated entry point by name."""

    def __init__(self, path):
        self.library = ctypes.CDLL(path)

    def call(self, symbol, tensors):
        array = (OracleTensor * len(tensors))()
        for slot, tensor in zip(array, tensors):
            assert tensor.is_cuda and tensor.is_contiguous()
            slot.data = tensor.data_ptr()
            slot.dtype = next(code for dtype, code in DTYPES.values()
                              if dtype == tensor.dtype)
            slot.rank = tensor.dim()
            for i, extent in enumerate(tensor.shape):
                slot.shape[i] = extent
        error = ctypes.create_string_buffer(4096)
        torch.cuda.synchronize()
        function = getattr(self.library, symbol)
        if function(array, len(tensors), error, len(error)) != 0:
            raise RuntimeError(f"{symbol}: {error.value.decode()}")


def relative_l2(actual, expected):
    actual, expected = actual.double(), expected.double()
    return ((actual - expected).norm() / expected.norm()).item()


def poisoned(signature):
    """An output of `signature` filled with NaN, so that an unwritten element
    fails the comparison."""
    dtype = DTYPES[signature["dtype"]][0]
    return torch.full([TOKENS if d == -1 else d for d in signature["shape"]],
                      float("nan"), dtype=dtype, device="cuda")


def load_config(path):
    """transformers' configuration of `path`, as from_pretrained reads it."""
    with tempfile.TemporaryDirectory() as directory:
        shutil.copy(path, os.path.join(directory, "config.json"))
        return transformers.AutoConfig.from_pretrained(directory)


def modeling(config):
    model_type = config.model_type
    return importlib.import_module(
        f"transformers.models.{model_type}.modeling_{model_type}")


def module_class(module, suffix):
    """The class of `module` named <Model><suffix> (not a vision tower's)."""
    for name, value in vars(module).items():
        if (isinstance(value, type) and name.endswith(suffix)
                and "Vision" not in name and value.__module__ == module.__name__):
            return value
    raise LookupError(f"{module.__name__} has no *{suffix}")


def randomize(module, fan_in_dim=-1):
    """`module` with random weights: matrices of unit-variance outputs
    (`fan_in_dim` is the input dimension: -2 for [in, out] weights), 1-D
    weights (norms) around 1, biases small."""
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            if name.endswith("bias"):
                parameter.normal_(0.0, 0.1)
            elif parameter.dim() == 1:
                parameter.uniform_(0.5, 1.5)
            else:
                parameter.normal_(0.0, parameter.shape[fan_in_dim] ** -0.5)
    return module


def text_config(config):
    return config.get_text_config() if hasattr(config, "get_text_config") \
        else config


def original_max_positions(config):
    rope = getattr(config, "rope_parameters", None) or \
        getattr(config, "rope_scaling", None) or {}
    return int(getattr(config, "original_max_position_embeddings", None)
               or rope.get("original_max_position_embeddings")
               or getattr(config, "max_position_embeddings", 4096))


def position_bands(config):
    """Positions of one call per band: below, at and past the training
    context (the call's largest position + 1 equal to it, then past it)."""
    original = original_max_positions(config)
    span = torch.arange(TOKENS, dtype=torch.int64)
    return {"below": span,
            "at": span + (original - TOKENS),
            "past": span + original}


def rotate(modeling_module, rotary, query, key, positions, graph):
    """transformers' rotation of query and key ([1, heads, tokens, dim])."""
    embedding = rotary(query, positions)
    if not isinstance(embedding, tuple):
        # DeepSeek-V2: one complex tensor, rotated in GPT-J pairs.
        return modeling_module.apply_rotary_emb(query, key, embedding)
    cos, sin = embedding
    section = re.search(r"mrope_section = array<i64: ([\d, ]+)>", graph)
    if section and hasattr(modeling_module, "apply_multimodal_rotary_pos_emb") \
            and cos.dim() == 4:
        sections = [int(s) for s in section.group(1).split(",")]
        return modeling_module.apply_multimodal_rotary_pos_emb(
            query, key, cos, sin, sections)
    partial = re.search(r"rotary_dim = (\d+)", graph)
    if not partial:
        return modeling_module.apply_rotary_pos_emb(query, key, cos, sin)
    width = int(partial.group(1))
    rotated = modeling_module.apply_rotary_pos_emb(
        query[..., :width], key[..., :width], cos[..., :width],
        sin[..., :width])
    return tuple(torch.cat((part, whole[..., width:]), dim=-1)
                 for part, whole in zip(rotated, (query, key)))


def exact_rotation(heads, positions, graph):
    """`heads` ([tokens, heads, dim], float64) rotated in float64 by an
    unscaled neox RoPE with the graph's theta and rotary_dim: the truth the
    f32 results are measured against where the formula is that simple."""
    theta = re.search(r"theta = ([-+.\deE]+) : f64", graph)
    theta = float(theta.group(1)) if theta else 10000.0
    partial = re.search(r"rotary_dim = (\d+)", graph)
    width = int(partial.group(1)) if partial else heads.shape[-1]
    exponents = torch.arange(0, width, 2, dtype=torch.float64,
                             device=heads.device) / width
    angles = positions.double()[:, None] * theta ** -exponents[None, :]
    cos, sin = angles.cos()[:, None, :], angles.sin()[:, None, :]
    first, second = heads[..., :width // 2], heads[..., width // 2:width]
    return torch.cat((first * cos - second * sin, second * cos + first * sin,
                      heads[..., width:]), dim=-1)


def check_qk(kernels, function, config, graph, element_type, seed):
    """The generated q/k against transformers at every position band."""
    text = text_config(config)
    modeling_module = modeling(config)
    rotary_class = module_class(modeling_module, "RotaryEmbedding")
    arguments = function["arguments"]
    hidden = arguments[0]["shape"][1]
    has_bias = len(arguments) == 6
    weights = [arguments[1]] + ([arguments[2]] if has_bias else []) + \
        [arguments[3 if has_bias else 2]] + \
        ([arguments[4]] if has_bias else [])
    query_heads, head_dim = function["results"][0]["shape"][1:]
    key_heads = function["results"][1]["shape"][1]
    dtype = DTYPES[element_type][0]

    torch.manual_seed(seed)
    x = torch.randn(TOKENS, hidden, device="cuda")
    params = [torch.randn(w["shape"], device="cuda") *
              (w["shape"][-1] ** -0.5 if len(w["shape"]) == 2 else 0.1)
              for w in weights]
    params = [p.to(dtype).float() for p in params]
    x = x.to(dtype).float()
    if has_bias:
        wq, bq, wk, bk = params
    else:
        (wq, wk), bq, bk = params, None, None

    rows = 3 if arguments[-1]["shape"][0] == 3 else 0
    results = []
    for band, span in position_bands(text).items():
        if rows:
            # Distinct temporal, height and width rows, as for an image.
            positions = torch.stack([span, span // 2 + 7, span % 13 + 3])
            hf_positions = positions[:, None, :]
        else:
            positions = span
            hf_positions = span[None, :]
        positions = positions.cuda()
        hf_positions = hf_positions.cuda()

        def reference(precision):
            rotary = rotary_class(config=text).cuda()
            q = torch.nn.functional.linear(x.to(precision), wq.to(precision),
                                           None if bq is None else bq.to(precision))
            k = torch.nn.functional.linear(x.to(precision), wk.to(precision),
                                           None if bk is None else bk.to(precision))
            q = q.view(1, TOKENS, query_heads, head_dim).transpose(1, 2)
            k = k.view(1, TOKENS, key_heads, head_dim).transpose(1, 2)
            q, k = rotate(modeling_module, rotary, q, k, hf_positions, graph)
            return q.transpose(1, 2)[0], k.transpose(1, 2)[0]

        expected = reference(torch.float32)
        in_dtype = reference(dtype)
        outputs = [poisoned(r) for r in function["results"]]
        kernels.call(function["symbol"],
                     [x.to(dtype).contiguous()] +
                     [p.to(dtype).contiguous() for p in params] +
                     [positions.contiguous()] + outputs)
        # Where the RoPE is unscaled and one-row, the float64 truth shows
        # whose f32 angles drift at large positions.
        exact = None
        if element_type == "f32" and "scaling" not in graph and not rows \
                and "gptj" not in graph:
            exact = [exact_rotation(
                torch.nn.functional.linear(
                    x.double(), w.double(), None if b is None else b.double()
                ).view(TOKENS, heads, head_dim), span.cuda(), graph)
                for w, b, heads in ((wq, bq, query_heads), (wk, bk, key_heads))]
        for index, (name, actual, want, hf) in enumerate(
                zip(("q", "k"), outputs, expected, in_dtype)):
            row = {
                "check": f"{name} {band}", "max_position": int(span.max()),
                "error": relative_l2(actual, want),
                "transformers_in_dtype": relative_l2(hf, want),
                "tolerance": TOLERANCES[element_type]}
            if exact is not None:
                row["error_vs_f64"] = relative_l2(actual, exact[index])
                row["transformers_vs_f64"] = relative_l2(want, exact[index])
            # f32 past the "below" band: bounded against the float64 truth
            # where there is one, else only reported.
            gated_error = row["error"]
            if element_type == "f32" and band != "below":
                gated_error = row.get("error_vs_f64")
            row["gated"] = gated_error is not None
            row["passed"] = not row["gated"] or \
                gated_error <= TOLERANCES[element_type]
            results.append(row)
    return results


def check_mlp(kernels, function, config, element_type, seed):
    """The generated norm + MLP against the model's own modules."""
    text = text_config(config)
    modeling_module = modeling(config)
    model_type = config.model_type
    hidden = function["arguments"][0]["shape"][1]
    dtype = DTYPES[element_type][0]
    torch.manual_seed(seed)
    x = torch.randn(TOKENS, hidden, device="cuda").to(dtype).float()

    def norm_module():
        if model_type in ("gpt_neox", "gpt2", "bert"):
            eps = getattr(text, "layer_norm_eps", None) or \
                getattr(text, "layer_norm_epsilon")
            return torch.nn.LayerNorm(hidden, eps=eps)
        return module_class(modeling_module, "RMSNorm")(
            hidden, eps=text.rms_norm_eps)

    def rounded(module):
        """`module` in inference mode on the GPU, its weights rounded to the
        graph's element type."""
        module.cuda().eval()
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.copy_(parameter.to(dtype).float())
        return module

    def gemma_offset(norm):
        # Gemma's RMSNorm multiplies by 1 + weight: weights around 0.
        if model_type == "gemma2":
            with torch.no_grad():
                norm.weight.sub_(1.0)
        return norm

    if model_type == "bert":
        intermediate = rounded(randomize(modeling_module.BertIntermediate(text)))
        output = rounded(randomize(modeling_module.BertOutput(text)))
        arguments = [intermediate.dense.weight, intermediate.dense.bias,
                     output.dense.weight, output.dense.bias,
                     output.LayerNorm.weight, output.LayerNorm.bias]

        def forward(inputs):
            return output(intermediate(inputs), inputs)
        modules = [intermediate, output]
    else:
        norm = rounded(gemma_offset(randomize(norm_module())))
        norm_arguments = [norm.weight] + (
            [norm.bias] if isinstance(norm, torch.nn.LayerNorm) else [])
        post_norm = None
        if model_type == "gpt_oss":
            experts = rounded(randomize(modeling_module.GptOssExperts(text),
                                        fan_in_dim=-2))
            gate_up, gate_up_bias = experts.gate_up_proj[0], \
                experts.gate_up_proj_bias[0]
            mlp_arguments = [gate_up[:, ::2], gate_up_bias[::2],
                             gate_up[:, 1::2], gate_up_bias[1::2],
                             experts.down_proj[0], experts.down_proj_bias[0]]

            def mlp(inputs):
                # GptOssExperts' math for expert 0, read from its current
                # parameters (run_in converts them) and limits.
                gate_up = experts.gate_up_proj[0]
                down = experts.down_proj[0]
                projected = inputs @ gate_up + experts.gate_up_proj_bias[0]
                gate, up = projected[..., ::2], projected[..., 1::2]
                gate = gate.clamp(min=None, max=experts.limit)
                up = up.clamp(min=-experts.limit, max=experts.limit)
                glu = gate * torch.sigmoid(gate * experts.alpha)
                return ((up + 1) * glu) @ down + experts.down_proj_bias[0]
            modules = [norm, experts]
        else:
            if model_type == "gpt2":
                block = modeling_module.GPT2MLP(4 * hidden if text.n_inner is None
                                                else text.n_inner, text)
            else:
                block = module_class(modeling_module, "MLP")(text)
            # GPT-2's Conv1D weights are [in, out].
            block = rounded(randomize(
                block, fan_in_dim=-2 if model_type == "gpt2" else -1))
            if model_type == "gpt2":
                mlp_arguments = [block.c_fc.weight, block.c_fc.bias,
                                 block.c_proj.weight, block.c_proj.bias]
            elif model_type == "gpt_neox":
                mlp_arguments = [block.dense_h_to_4h.weight,
                                 block.dense_h_to_4h.bias,
                                 block.dense_4h_to_h.weight,
                                 block.dense_4h_to_h.bias]
            elif model_type == "phi3":
                gate, up = block.gate_up_proj.weight.chunk(2, dim=0)
                mlp_arguments = [gate, up, block.down_proj.weight]
            else:
                mlp_arguments = [block.gate_proj.weight, block.up_proj.weight,
                                 block.down_proj.weight]
            mlp = block
            modules = [norm, block]
        if model_type == "gemma2":
            post_norm = rounded(gemma_offset(randomize(norm_module())))
            modules.append(post_norm)
        arguments = norm_arguments + mlp_arguments + (
            [post_norm.weight] if post_norm is not None else [])

        def forward(inputs):
            outputs = mlp(norm(inputs))
            return post_norm(outputs) if post_norm is not None else outputs

    def run_in(precision):
        for module in modules:
            module.to(precision)
        with torch.no_grad():
            return forward(x.to(precision)).float()

    expected = run_in(torch.float32)
    in_dtype = run_in(dtype)
    for module in modules:
        module.float()
    output = poisoned(function["results"][0])
    kernels.call(function["symbol"],
                 [x.to(dtype).contiguous()] +
                 [a.detach().to(dtype).contiguous() for a in arguments] +
                 [output])
    error = relative_l2(output, expected)
    return [{"check": "mlp", "error": error,
             "transformers_in_dtype": relative_l2(in_dtype, expected),
             "tolerance": TOLERANCES[element_type],
             "passed": error <= TOLERANCES[element_type], "gated": True}]


def check_positions(kernels, function, element_type, seed):
    """The generated learned positions against an embedding lookup."""
    embeddings, table, _ = function["arguments"]
    dtype = DTYPES[element_type][0]
    torch.manual_seed(seed)
    x = torch.randn(TOKENS, embeddings["shape"][1], device="cuda").to(dtype)
    weights = torch.randn(table["shape"], device="cuda").to(dtype)
    lookup = torch.nn.Embedding.from_pretrained(weights.float())
    positions = torch.randint(0, table["shape"][0], (TOKENS,), device="cuda")
    expected = x.float() + lookup(positions)
    output = poisoned(function["results"][0])
    kernels.call(function["symbol"], [x, weights, positions, output])
    error = relative_l2(output, expected)
    return [{"check": "positions", "error": error,
             "tolerance": TOLERANCES[element_type],
             "passed": error <= TOLERANCES[element_type], "gated": True}]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build-hf-oracle",
                        help="scripts/hf-oracle/build.sh's output directory")
    parser.add_argument("--configs", default=os.path.join(
        os.path.dirname(__file__), "..", "..", "tests", "import", "configs"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="",
                        help="check only the graphs whose name contains this")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the random inputs and weights (default: "
                        "from the clock; printed)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else time.time_ns() % 2**31
    os.makedirs(args.out, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    kernels = Kernels(os.path.join(args.build, "lib", "libxfuse_hf_oracle.so"))
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
          f"{torch.cuda.get_device_name()}, seed {seed}")

    rows = []
    for manifest_path in sorted(glob.glob(os.path.join(args.build, "manifests",
                                                       "*.json"))):
        stem = os.path.basename(manifest_path)[:-len(".json")]
        if args.only not in stem:
            continue
        model, variant = stem.rsplit(".", 1)
        with open(manifest_path) as f:
            functions = json.load(f)
        with open(os.path.join(args.build, "graphs", stem + ".mlir")) as f:
            graph = f.read()
        config = load_config(os.path.join(args.configs, model + ".json"))
        for name, function in functions.items():
            part = name.rsplit("_", 1)[1]
            element_type = function["results"][0]["dtype"]
            try:
                if part == "qk":
                    checks = check_qk(kernels, function, config, graph,
                                      element_type, seed)
                elif part == "mlp":
                    checks = check_mlp(kernels, function, config, element_type,
                                       seed)
                else:
                    checks = check_positions(kernels, function, element_type,
                                             seed)
            except Exception:  # noqa: BLE001 - a failure to report, not to stop
                checks = [{"check": part, "error": None, "passed": False,
                           "gated": True, "exception": traceback.format_exc()}]
            for check in checks:
                row = dict(check, graph=stem, function=name,
                           dtype=element_type, seed=seed)
                rows.append(row)
                status = "PASS" if row["passed"] else "FAIL"
                if not row["gated"]:
                    status = "info"
                error = "-" if row["error"] is None else f"{row['error']:.2e}"
                exact = ""
                if "error_vs_f64" in row:
                    exact = (f" (vs float64: xfuse {row['error_vs_f64']:.2e}, "
                             f"transformers {row['transformers_vs_f64']:.2e})")
                print(f"{status:4} {stem:28} {row['check']:10} {element_type:5} "
                      f"rel L2 {error}{exact}", flush=True)
                if "exception" in row:
                    print(row["exception"])

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(rows, f, indent=2)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"torch {torch.__version__}, transformers "
                f"{transformers.__version__}, seed {seed}\n\n")
        f.write("| graph | check | dtype | max position | rel L2 vs "
                "transformers f32 | transformers in dtype | bound | result | "
                "xfuse vs float64 | transformers f32 vs float64 |\n"
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
        for row in rows:
            def number(key):
                value = row.get(key)
                return "-" if value is None else f"{value:.2e}"
            result = "pass" if row["passed"] else "FAIL"
            if not row["gated"]:
                result = "reported"
            f.write(f"| {row['graph']} | {row['check']} | {row['dtype']} | "
                    f"{row.get('max_position', '-')} | {number('error')} | "
                    f"{number('transformers_in_dtype')} | "
                    f"{number('tolerance')} | {result} | "
                    f"{number('error_vs_f64')} | "
                    f"{number('transformers_vs_f64')} |\n")
    failed = [row for row in rows if not row["passed"]]
    print(f"{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
