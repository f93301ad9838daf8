#!/usr/bin/env python3
"""One launch per kernel op: the CUDA emitted for a graph launches exactly one
device kernel per xkernel op of its plan, and one more per RoPE whose
frequencies follow the call's largest position (dynamic NTK, LongRoPE: a
one-block launch writes them before the kernel that rotates), and says of
nothing that it is "Not fused yet".

usage: count-launches.py [--expect-unfused] <xfuse-opt> <xfuse-translate> <graph.mlir>

The graph goes through --xfuse-pipeline for sm_90a and for sm_80; the kernel
ops of each function are counted in the pipeline's output, the launches in
the CUDA emitted from that same output. A target whose pipeline rejects the
graph is skipped; exit code 77 (skipped) when both are.

--expect-unfused marks a graph known to launch more kernels than its plan
shows: the check then passes while some function still does, and fails once
none does, so that the mark is removed as soon as the fusion lands.
"""

import re
import subprocess
import sys

TARGETS = ("sm_90a", "sm_80")
SKIPPED = 77

KERNEL_OP = re.compile(r"\bxkernel\.(?:gemm|pointwise)\(")
# The scalings of a RoPE in a kernel body that add a frequency launch.
PER_CALL_FREQUENCIES = re.compile(r"#xfuse\.(?:dynamic_ntk|longrope)_scaling<")
FUNC_IR = re.compile(r"^\s*func\.func (?:\w+ )?@(\w+)\(", re.MULTILINE)
# A definition, not a declaration: the source is emitted with --xfuse-header.
FUNC_CUDA = re.compile(r"^rt::Status (\w+)\(", re.MULTILINE)
LAUNCH = re.compile(r"XFUSE_CUDA_TRY\(\(?device::launch")
UNFUSED = "Not fused yet"


# The closing brace of a top-level definition: what follows an entry point
# (its weight-packing helpers, whose launches run once, when the weights are
# packed) is not part of it.
DEFINITION_END = re.compile(r"^}\n", re.MULTILINE)


def per_function(text, function_start, count, ends_at_brace=False):
    """{function name: count(text of the function)}, a function's text
    running to the start of the next, or to its closing brace."""
    starts = list(function_start.finditer(text))
    result = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        if ends_at_brace:
            brace = DEFINITION_END.search(text, match.end(), end)
            end = brace.start() if brace else end
        result[match.group(1)] = count(text[match.end():end])
    return result


class EmitterError(Exception):
    pass


def run(command, stdin=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True)


def check_target(opt, translate, graph, target):
    """The functions of `graph` whose CUDA for `target` does not launch one
    kernel per op, as lines of text; None when the pipeline rejects it."""
    plan = run([opt, f"--xfuse-pipeline=target={target}", graph])
    if plan.returncode != 0:
        return None
    cuda = run([translate, "--emit-cuda", "--xfuse-header=graph.h", "-"], plan.stdout)
    if cuda.returncode != 0:
        raise EmitterError(f"{target}: the emitter rejects the pipeline's "
                           f"output for {graph}:\n{cuda.stderr}")
    ops = per_function(plan.stdout, FUNC_IR,
                       lambda body: len(KERNEL_OP.findall(body)) +
                       len(PER_CALL_FREQUENCIES.findall(body)))
    launches = per_function(cuda.stdout, FUNC_CUDA,
                            lambda body: len(LAUNCH.findall(body)),
                            ends_at_brace=True)
    unfused = per_function(cuda.stdout, FUNC_CUDA, lambda body: body.count(UNFUSED))
    problems = []
    for name, count in ops.items():
        if launches.get(name) != count:
            problems.append(f"{target} @{name}: {count} kernel ops and "
                            f"frequency launches, {launches.get(name)} "
                            f"launches")
        if unfused.get(name):
            problems.append(f"{target} @{name}: \"{UNFUSED}\" "
                            f"{unfused[name]} time(s)")
    return problems


def main(argv):
    expect_unfused = "--expect-unfused" in argv
    args = [arg for arg in argv if arg != "--expect-unfused"]
    if len(args) != 3:
        sys.exit(__doc__)
    opt, translate, graph = args
    try:
        results = {target: check_target(opt, translate, graph, target)
                   for target in TARGETS}
    except EmitterError as error:
        print(error)
        return 1
    checked = [target for target, problems in results.items() if problems is not None]
    for target in TARGETS:
        if target not in checked:
            print(f"{target}: skipped, the pipeline rejects {graph}")
    if not checked:
        return SKIPPED
    problems = [line for target in checked for line in results[target]]
    for line in problems:
        print(line)
    if expect_unfused:
        if problems:
            print(f"expected: {graph} is marked as not fused yet")
            return 0
        print(f"{graph} now launches one kernel per op: remove it from the "
              f"graphs marked as not fused yet in tests/codegen/CMakeLists.txt")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
