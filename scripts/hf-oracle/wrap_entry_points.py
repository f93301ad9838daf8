#!/usr/bin/env python3
"""Writes C wrappers of the entry points of one generated header, for ctypes.

    wrap_entry_points.py GRAPH.mlir HEADER.h WRAPPER.cu MANIFEST.json

For each entry point `F` of HEADER (a function returning rt::Status that
takes an rt::Workspace) the wrapper defines

    extern "C" int xfuse_oracle_F(const XfuseOracleTensor *tensors, int count,
                                  char *error, int error_size);

taking the graph's arguments then its results in order, as dense device
tensors: it packs the weights the entry point takes packed, sizes the
workspace, calls F and waits for it. MANIFEST describes each wrapper: the
types of the function's arguments and results, read from GRAPH (the
xfuse-import output the header was generated from).

The wrapper relies on the argument order only: parameter names are matched
between declarations of the same header (F's parameters, F_pack_<param>,
the <param>_dim<i> parameters of F_workspace_size), never to fixed spellings.
"""
import json
import re
import sys

ENTRY_POINT = re.compile(r"^rt::Status (\w+)\(([^;]*?)\);", re.M | re.S)
PACK = re.compile(
    r"^rt::StatusOr<rt::PackedWeight> (\w+)\(const rt::TensorView &\w+,"
    r"\s*cudaStream_t \w+\);", re.M)
WORKSPACE_SIZE = re.compile(
    r"^rt::StatusOr<rt::WorkspaceSize> (\w+)_workspace_size\(([^)]*)\);", re.M)
PARAMETER = re.compile(r"const rt::(TensorView|PackedWeight) &(\w+)")
DYNAMIC_SIZE = re.compile(r"std::int64_t (\w+)_dim(\d+)")
# xfuse-import prints each signature on one line; its arguments hold no
# parentheses, its results may hold braces (their attributes).
FUNCTION = re.compile(r"^\s*func\.func @(\w+)\((.*?)\)(?: -> (.*))? \{$", re.M)
TENSOR = re.compile(r"tensor<([^>]*)>")


def tensor_types(text):
    """[{'shape': [...], 'dtype': 'bf16'}] of every tensor type in `text`."""
    types = []
    for spelled in TENSOR.findall(text):
        *dims, dtype = spelled.split("x")
        types.append({"shape": [-1 if d == "?" else int(d) for d in dims],
                      "dtype": dtype})
    return types


def graph_functions(graph):
    return {name: {"arguments": tensor_types(args),
                   "results": tensor_types(results or "")}
            for name, args, results in FUNCTION.findall(graph)}


def wrapper(name, parameters, packers, dynamic_sizes):
    count = len(parameters)
    lines = [
        f'extern "C" int xfuse_oracle_{name}(const XfuseOracleTensor *tensors,',
        "                                   int count, char *error,",
        "                                   int error_size) {",
        f"  if (count != {count})",
        f'    return oracle::fail(error, error_size, "{name} takes {count} '
        'tensors");',
    ]
    call = []
    for index, (kind, parameter) in enumerate(parameters):
        if kind == "TensorView":
            call.append(f"oracle::view(tensors[{index}])")
            continue
        packer = packers.get(f"{name}_pack_{parameter}")
        if packer is None:
            sys.exit(f"no packing function for parameter {parameter} of {name}")
        lines += [
            f"  auto packed{index} = gen::{packer}(oracle::view(tensors[{index}]),"
            " nullptr);",
            f"  if (!packed{index}.isOk())",
            f"    return oracle::fail(error, error_size, packed{index}.status());",
        ]
        call.append(f"*packed{index}")
    names = [parameter for _, parameter in parameters]
    sizes = [f"tensors[{names.index(p)}].shape[{d}]" for p, d in dynamic_sizes]
    lines += [
        f"  auto size = gen::{name}_workspace_size({', '.join(sizes)});",
        "  if (!size.isOk())",
        "    return oracle::fail(error, error_size, size.status());",
        "  rt::Workspace &workspace = oracle::workspace();",
        "  if (rt::Status reserved = workspace.reserve(*size, nullptr);",
        "      !reserved.isOk())",
        "    return oracle::fail(error, error_size, reserved);",
        f"  return oracle::finish(gen::{name}(",
        "      " + ",\n      ".join(call + ["workspace", "nullptr"]) + "),",
        "                        error, error_size);",
        "}",
    ]
    return "\n".join(lines)


def main():
    graph_path, header_path, wrapper_path, manifest_path = sys.argv[1:5]
    with open(graph_path) as f:
        functions = graph_functions(f.read())
    with open(header_path) as f:
        header = f.read()
    packers = {name: name for name in PACK.findall(header)}
    dynamic_sizes = {name: DYNAMIC_SIZE.findall(parameters)
                     for name, parameters in WORKSPACE_SIZE.findall(header)}
    header_name = header_path.rsplit("/", 1)[-1]
    wrappers = []
    manifest = {}
    for name, parameter_text in ENTRY_POINT.findall(header):
        if "rt::Workspace" not in parameter_text:
            continue
        parameters = PARAMETER.findall(parameter_text)
        signature = functions[name]
        expected = len(signature["arguments"]) + len(signature["results"])
        if len(parameters) != expected:
            sys.exit(f"{name}: {len(parameters)} tensor parameters in "
                     f"{header_name}, {expected} in {graph_path}")
        wrappers.append(wrapper(name, parameters, packers,
                                dynamic_sizes.get(name, [])))
        manifest[name] = dict(signature, symbol=f"xfuse_oracle_{name}")
    with open(wrapper_path, "w") as f:
        f.write(f"// Generated by scripts/hf-oracle/wrap_entry_points.py from "
                f"{header_name}. Do not edit.\n")
        f.write(f'#include "{header_name}"\n')
        f.write('#include "scripts/hf-oracle/OracleAbi.h"\n\n')
        f.write("namespace gen = xfuse::generated;\n")
        f.write("namespace oracle = xfuse::oracle;\n")
        f.write("namespace rt = xfuse::rt;\n\n")
        f.write("\n\n".join(wrappers) + "\n")
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
