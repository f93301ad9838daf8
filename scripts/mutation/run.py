#!/usr/bin/env python3
"""The mutation score of xfuse's tests (docs/testing.md).

Applies the mutants of mutants.toml one at a time to a scratch copy of the
working tree, rebuilds only what the mutant's tests need, runs those tests
and prints a table: each mutant, whether a test caught it, and which one.
The repository's own build directory and git state are never touched.

  scripts/mutation/run.py              # sync the scratch copy, run them all
  scripts/mutation/run.py --only ID    # one mutant (repeatable)
  scripts/mutation/run.py --list       # the mutants, nothing built
  scripts/mutation/run.py --check      # every original text found exactly
                                       # once in the tree (a lit test runs it)

Mutants marked `gpu` die only on a GPU (device-block arithmetic); they run
with --gpu and count in the score only when they do.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MUTANTS = Path(__file__).with_name("mutants.toml")
LIT = Path("/usr/lib/llvm-22/bin/lit")
# The tools lit tests run; a lit selection builds those its RUN lines name.
LIT_TOOLS = ("xfuse-opt", "xfuse-translate", "xfuse-import",
             "xfuse-reference-check")
CATEGORIES = ("lowering", "frequencies", "emitter", "plan", "runtime",
              "device")
# As scripts/build.sh configures build/.
CMAKE_FLAGS = ("-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_C_COMPILER=gcc",
               "-DCMAKE_CXX_COMPILER=g++", f"-DLLVM_EXTERNAL_LIT={LIT}",
               "-DXFUSE_REQUIRE_CUDA=OFF")
# A test that runs this long is hung by its mutant (an endless loop).
TEST_TIMEOUT_S = 600
MIN_SCORE = 0.9


class MutationError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Selection:
    """Tests that should catch a mutant.

    `lit:REGEX`: the lit tests whose name ("xfuse :: numeric/ffn.mlir")
    REGEX matches, as lit's --filter. `gtest:TARGET:FILTER`: the GoogleTest
    binary built by ninja target TARGET, run with --gtest_filter=FILTER.
    """

    kind: str
    pattern: str
    target: str = ""

    @staticmethod
    def parse(text: str) -> "Selection":
        kind, _, rest = text.partition(":")
        if kind == "lit" and rest:
            re.compile(rest)
            return Selection("lit", rest)
        if kind == "gtest":
            target, _, gtest_filter = rest.partition(":")
            if target and gtest_filter:
                return Selection("gtest", gtest_filter, target)
        raise MutationError(f"test selection '{text}': expected "
                            "'lit:REGEX' or 'gtest:TARGET:FILTER'")

    def lit_files(self, source: Path) -> list[Path]:
        tests = source / "tests"
        return [path for path in sorted(tests.rglob("*"))
                if path.suffix in (".mlir", ".test") and re.search(
                    self.pattern, f"xfuse :: {path.relative_to(tests)}")]

    def targets(self, source: Path) -> set[str]:
        if self.kind == "gtest":
            return {self.target}
        return {tool for path in self.lit_files(source)
                for tool in LIT_TOOLS if tool in path.read_text()}

    def __str__(self) -> str:
        if self.kind == "lit":
            return f"lit:{self.pattern}"
        return f"gtest:{self.target}:{self.pattern}"


@dataclasses.dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    category: str
    description: str
    original: str
    replacement: str
    tests: tuple[Selection, ...]
    gpu: bool = False


def load_mutants(path: Path) -> list[Mutant]:
    with path.open("rb") as stream:
        entries = tomllib.load(stream).get("mutant", [])
    mutants, seen = [], set()
    for entry in entries:
        where = f"{path.name}: mutant '{entry.get('id', '?')}'"
        missing = {"id", "file", "category", "description", "original",
                   "replacement", "tests"} - entry.keys()
        if missing:
            raise MutationError(
                f"{where}: missing {', '.join(sorted(missing))}")
        if entry["id"] in seen:
            raise MutationError(f"{where}: the id is used twice")
        seen.add(entry["id"])
        if entry["category"] not in CATEGORIES:
            raise MutationError(f"{where}: expected a category of "
                                f"{', '.join(CATEGORIES)} but got "
                                f"'{entry['category']}'")
        if entry["original"] == entry["replacement"]:
            raise MutationError(f"{where}: the replacement is the original")
        mutants.append(Mutant(
            entry["id"], entry["file"], entry["category"],
            entry["description"], entry["original"], entry["replacement"],
            tuple(Selection.parse(text) for text in entry["tests"]),
            entry.get("gpu", False)))
    return mutants


def check(mutants: list[Mutant], source: Path) -> list[str]:
    """What no longer applies to `source`: an original text not found
    exactly once in its file, a lit selection that matches no test."""
    problems = []
    for mutant in mutants:
        path = source / mutant.file
        if not path.is_file():
            problems.append(f"{mutant.id}: no file {mutant.file}")
            continue
        count = path.read_text().count(mutant.original)
        if count != 1:
            problems.append(f"{mutant.id}: expected the original text once "
                            f"in {mutant.file}, found it {count} times")
        for selection in mutant.tests:
            if selection.kind == "lit" and not selection.lit_files(source):
                problems.append(f"{mutant.id}: {selection} matches no test")
    return problems


#===------------------------------------------------------------------------===#
# The scratch copy
#===------------------------------------------------------------------------===#


def tree_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files: what a commit of the
    working tree would hold."""
    listing = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-co", "--exclude-standard",
         "-z"], check=True, capture_output=True).stdout.decode()
    return sorted({name for name in listing.split("\0")
                   if name and (root / name).is_file()})


def sync(scratch: Path) -> None:
    """Makes scratch/src the working tree's copy. Only changed files are
    written (with a new mtime), so the scratch build stays incremental."""
    source = scratch / "src"
    manifest = scratch / "manifest.txt"
    files = tree_files(REPO)
    previous = (set(manifest.read_text().split("\n")) if manifest.exists()
                else set())
    for name in previous - set(files) - {""}:
        (source / name).unlink(missing_ok=True)
    copied = 0
    for name in files:
        origin, copy = REPO / name, source / name
        if copy.is_file() and copy.read_bytes() == origin.read_bytes():
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, copy)
        shutil.copymode(origin, copy)
        copied += 1
    manifest.write_text("\n".join(files))
    print(f"sync: {copied} of {len(files)} files copied to {source}")


def configure(scratch: Path) -> None:
    build = scratch / "build"
    if (build / "build.ninja").exists():
        return
    subprocess.run(["nice", "cmake", "-G", "Ninja", "-S", str(scratch / "src"),
                    "-B", str(build), *CMAKE_FLAGS], check=True)


#===------------------------------------------------------------------------===#
# Building and testing
#===------------------------------------------------------------------------===#


@dataclasses.dataclass
class Outcome:
    # "caught", "survived", "compiler", "skipped"
    verdict: str
    detail: str = ""
    seconds: float = 0.0


class Runner:
    def __init__(self, scratch: Path, jobs: int):
        self.source = scratch / "src"
        self.build = scratch / "build"
        self.jobs = jobs
        self.binaries: dict[str, Path] = {}
        # lit tests that fail without a mutant (another change in flight):
        # left out of every selection, and listed in the report.
        self.broken: list[str] = []

    def ninja(self, targets: set[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["nice", "ninja", "-C", str(self.build), f"-j{self.jobs}",
             *sorted(targets)], capture_output=True, text=True)

    def binary(self, target: str) -> Path:
        if target not in self.binaries:
            found = [path for path in self.build.rglob(target)
                     if path.is_file() and os.access(path, os.X_OK)]
            if not found:
                raise MutationError(f"no binary of target {target} in "
                                    f"{self.build}")
            self.binaries[target] = found[0]
        return self.binaries[target]

    def run(self, selection: Selection) -> str | None:
        """The first failing test of `selection`, or None if all pass."""
        try:
            if selection.kind == "lit":
                return self._run_lit(selection.pattern)
            return self._run_gtest(selection.target, selection.pattern)
        except subprocess.TimeoutExpired:
            return f"{selection} (timed out after {TEST_TIMEOUT_S} s)"

    def _run_lit(self, pattern: str) -> str | None:
        command = ["nice", sys.executable, str(LIT), "-v", "--no-progress-bar",
                   f"-j{self.jobs}", "--max-failures=1", f"--filter={pattern}"]
        if self.broken:
            command.append("--filter-out=" + "|".join(
                re.escape(f"xfuse :: {name}") for name in self.broken))
        result = subprocess.run(command + [str(self.build / "tests")],
                                capture_output=True, text=True,
                                timeout=TEST_TIMEOUT_S)
        if result.returncode == 0:
            return None
        output = result.stdout + result.stderr
        failed = re.search(
            r"^(?:FAIL|XPASS|UNRESOLVED|TIMEOUT): xfuse :: (\S+)", output,
            re.MULTILINE)
        name = failed.group(1) if failed else f"lit --filter={pattern}"
        # The function a numeric check reports (in FileCheck's input dump
        # when a check of its output failed), or the line of the first check
        # that failed.
        function = re.search(r"\bFAIL (@[\w.$-]+)", output)
        if function:
            return f"{name} ({function.group(1)})"
        line = re.search(r"\.mlir:(\d+):\d+: error: ", output)
        return f"{name}:{line.group(1)}" if line else name

    def _run_gtest(self, target: str, gtest_filter: str) -> str | None:
        result = subprocess.run(
            [str(self.binary(target)), f"--gtest_filter={gtest_filter}"],
            capture_output=True, text=True, timeout=TEST_TIMEOUT_S)
        if result.returncode == 0:
            return None
        failed = re.search(r"^\[  FAILED  \] (\S+)", result.stdout,
                           re.MULTILINE)
        return f"{target}: {failed.group(1) if failed else gtest_filter}"

    def baseline(self, mutants: list[Mutant]) -> None:
        """Every selection passes unmutated, so that a failure means the
        mutant was caught."""
        selections = list(dict.fromkeys(s for m in mutants for s in m.tests))
        built = self.ninja(
            {t for s in selections for t in s.targets(self.source)})
        if built.returncode:
            raise MutationError("the unmutated tree does not build:\n" +
                                built.stdout[-4000:])
        for selection in selections:
            start = time.monotonic()
            while failure := self.run(selection):
                test = failure.split(" ")[0]
                if selection.kind != "lit" or test in self.broken:
                    raise MutationError(f"baseline: {failure} fails without "
                                        "a mutant; fix the tree or the "
                                        "selection")
                print(f"baseline: {failure} fails without a mutant; left out",
                      flush=True)
                self.broken.append(test)
            print(f"baseline: {selection} passes "
                  f"({time.monotonic() - start:.0f} s)", flush=True)

    def mutate(self, mutant: Mutant) -> Outcome:
        path = self.source / mutant.file
        text = path.read_text()
        if text.count(mutant.original) != 1:
            raise MutationError(f"{mutant.id}: expected the original text once "
                                f"in {mutant.file}, found it "
                                f"{text.count(mutant.original)} times")
        start = time.monotonic()
        path.write_text(text.replace(mutant.original, mutant.replacement))
        try:
            targets = {t for s in mutant.tests for t in s.targets(self.source)}
            built = self.ninja(targets)
            if built.returncode:
                return Outcome("compiler", "does not compile",
                               time.monotonic() - start)
            for selection in mutant.tests:
                failure = self.run(selection)
                if failure:
                    return Outcome("caught", failure, time.monotonic() - start)
            return Outcome("survived", "", time.monotonic() - start)
        finally:
            # A new mtime: the next build compiles the original again.
            path.write_text(text)


#===------------------------------------------------------------------------===#
# Report
#===------------------------------------------------------------------------===#


def table(mutants: list[Mutant], outcomes: dict[str, Outcome]) -> str:
    rows = ["| mutant | category | bug | result | caught by |",
            "| --- | --- | --- | --- | --- |"]
    for mutant in mutants:
        outcome = outcomes[mutant.id]
        gpu = " (gpu)" if mutant.gpu else ""
        rows.append(f"| `{mutant.id}` | {mutant.category}{gpu} | "
                    f"{mutant.description} | {outcome.verdict} | "
                    f"{outcome.detail.replace('|', '/')} |")
    return "\n".join(rows)


def score(outcomes: dict[str, Outcome]) -> tuple[int, int]:
    counted = [o for o in outcomes.values() if o.verdict != "skipped"]
    return sum(o.verdict != "survived" for o in counted), len(counted)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=Path, default=MUTANTS,
                        help="the mutant list (default: mutants.toml here)")
    parser.add_argument("--only", action="append", metavar="ID",
                        help="run only this mutant (repeatable)")
    parser.add_argument("--list", action="store_true",
                        help="print the mutants and exit")
    parser.add_argument("--check", action="store_true",
                        help="check that every mutant applies to the tree")
    parser.add_argument("--scratch", type=Path,
                        default=Path("/tmp/xfuse-mutation"),
                        help="scratch directory: src/ (the copy), build/")
    parser.add_argument("--jobs", type=int, default=2,
                        help="ninja and lit jobs (default 2)")
    parser.add_argument("--gpu", action="store_true",
                        help="also run the mutants that only a GPU catches")
    parser.add_argument("--no-sync", action="store_true",
                        help="keep the scratch copy as it is")
    parser.add_argument("--report", type=Path,
                        help="also write the table (markdown) here")
    args = parser.parse_args()

    try:
        mutants = load_mutants(args.mutants)
        if args.only:
            unknown = set(args.only) - {m.id for m in mutants}
            if unknown:
                raise MutationError(f"no mutant {', '.join(sorted(unknown))}")
            mutants = [m for m in mutants if m.id in args.only]
        if args.list:
            for m in mutants:
                gpu = " [gpu]" if m.gpu else ""
                print(f"{m.id:38} {m.category:12} {m.file}{gpu}\n"
                      f"{'':51}{m.description}")
            print(f"{len(mutants)} mutants")
            return 0
        if args.check:
            problems = check(mutants, REPO)
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            print(f"{len(mutants)} mutants, {len(problems)} not applicable")
            return 1 if problems else 0

        scratch = args.scratch.resolve()
        if not args.no_sync:
            sync(scratch)
        configure(scratch)
        problems = check(mutants, scratch / "src")
        if problems:
            raise MutationError("\n".join(problems))
        runner = Runner(scratch, args.jobs)
        runnable = [m for m in mutants if args.gpu or not m.gpu]
        runner.baseline(runnable)
        # Mutants of one file in a row: restoring the file and applying the
        # next mutant cost one compile, not two.
        order = {name: i for i, name in
                 enumerate(dict.fromkeys(m.file for m in mutants))}
        outcomes = {}
        for mutant in sorted(mutants, key=lambda m: order[m.file]):
            if mutant not in runnable:
                outcomes[mutant.id] = Outcome(
                    "skipped", "needs a GPU: run with --gpu")
            else:
                outcomes[mutant.id] = runner.mutate(mutant)
            outcome = outcomes[mutant.id]
            print(f"{mutant.id:38} {outcome.verdict:9} {outcome.seconds:5.0f} s"
                  f"  {outcome.detail}", flush=True)
        # Leave the scratch build as the tree is.
        runner.ninja({t for m in runnable for s in m.tests
                      for t in s.targets(runner.source)})
    except MutationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    caught, counted = score(outcomes)
    report = table(mutants, outcomes)
    skipped = len(outcomes) - counted
    summary = (f"Score: {caught} of {counted} mutants caught "
               f"({100.0 * caught / max(counted, 1):.0f}%)" +
               (f"; {skipped} GPU mutants not run (--gpu)" if skipped else ""))
    if runner.broken:
        summary += ("\nLeft out, failing without a mutant: " +
                    ", ".join(runner.broken))
    print(f"\n{report}\n\n{summary}")
    if args.report:
        args.report.write_text(f"{report}\n\n{summary}\n")
    return 0 if caught >= MIN_SCORE * counted else 1


if __name__ == "__main__":
    sys.exit(main())
