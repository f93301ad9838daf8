#!/usr/bin/env bash
# The tensor-parallel bench, one command on the GPU machine:
#   bench/tp/run.sh [N]        (default: every visible GPU)
# Needs bench/tp/build/libxfuse_tp_bench_n<N>.so (bench/tp/build.sh, built
# where xfuse-opt is) and PyTorch. NCCL is PyTorch's libnccl.so.2, found
# here at run time; NVLink multicast stays off.
set -euo pipefail
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
here=$(cd "$(dirname "$0")" && pwd)
ranks=${1:-$(nvidia-smi -L | wc -l)}
nccl_lib=$(python3 -c 'import os, nvidia.nccl as m; print(os.path.join(list(m.__path__)[0], "lib"))')
export LD_LIBRARY_PATH=$nccl_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# Bounded (XFUSE_TP_TIMEOUT seconds, default 240): a rank that waits for
# another forever must not hold the GPUs; unbuffered, so that what was
# printed before is not lost when it is stopped.
export PYTHONUNBUFFERED=1
exec timeout --kill-after=15 "${XFUSE_TP_TIMEOUT:-240}" \
  python3 -m torch.distributed.run --standalone --nproc-per-node="$ranks" \
  "$here/tp_bench.py"
