// What the tests of generated entry points share beyond GpuTestUtil.h.
#pragma once

#include "runtime/Workspace.h"
#include "tests/gpu/GpuTestUtil.h"

/// Opens a test of generated kernels: skips without a GPU, draws a fresh
/// random stream (its seed printed with any failure) and a workspace.
#define XFUSE_GRAPH_TEST_SETUP()                                               \
  XFUSE_REQUIRE_GPU();                                                         \
  Random rng;                                                                  \
  SCOPED_TRACE(::testing::Message() << "seed " << rng.seed());                 \
  rt::Workspace workspace
