import os

import lit.formats
from lit.llvm import llvm_config

config.name = "xfuse"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xfuse_obj_root, "tests")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
# FileCheck, not and count come from the LLVM tools directory.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

# The reference checker runs lowered graphs with mlir-runner and needs the
# runner's support libraries.
config.substitutions.append(
    ("%mlir_lib_dir", config.mlir_lib_dir))

tool_dirs = [
    os.path.join(config.xfuse_obj_root, "bin"),
    config.llvm_tools_dir,
]
llvm_config.add_tool_substitutions(
    ["xfuse-opt", "xfuse-translate", "xfuse-import", "xfuse-reference-check",
     "mlir-opt", "mlir-runner"],
    tool_dirs)
