// The RoPE parameters that the tests of the device RoPE blocks (the
// RowChain stage and the GEMM epilogues) check against.
#pragma once

#include "cuda/device/Angles.h"
#include "tests/reference/Reference.h"

namespace xfuse::test {

/// YaRN scaling (factor 4 over 1024 positions) for the device RoPE of
/// `rotaryDim` and `style`: frequencies that are not plain powers of theta,
/// and an attention factor != 1.
inline reference::RopeParameters yarnRope(int rotaryDim,
                                          device::RopeStyle style) {
  reference::RopeParameters params;
  params.theta = 10000.0;
  params.rotaryDim = rotaryDim;
  params.style = style == device::RopeStyle::kNeox ? reference::RopeStyle::Neox
                                                   : reference::RopeStyle::Gptj;
  params.scaling =
      reference::RopeScaling::of(reference::RopeScaling::Kind::Yarn, 4.0, 1024);
  return params;
}

} // namespace xfuse::test
