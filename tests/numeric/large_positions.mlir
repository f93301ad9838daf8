// Positions over the whole default range [0, 4096) in bf16, whose tolerance
// absorbs the f32 angle error (about pos * 2^-24) that the f32 tests avoid
// by drawing positions below 512.
// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @sinusoidal_bf16
func.func @sinusoidal_bf16(%x: tensor<4x2x64xbf16>, %pos: tensor<4x2xi32>)
    -> tensor<4x2x64xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos : tensor<4x2x64xbf16>, tensor<4x2xi32>
  return %y : tensor<4x2x64xbf16>
}

// CHECK: PASS @rope_llama3_bf16
func.func @rope_llama3_bf16(%x: tensor<4x2x4x32xbf16>, %pos: tensor<4x2xi64>)
    -> tensor<4x2x4x32xbf16> {
  %y = xfuse.rope %x positions %pos
      {theta = 500000.0 : f64,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                       high_freq_factor = 4.0,
                                       original_max_position = 1024>}
      : tensor<4x2x4x32xbf16>, tensor<4x2xi64>
  return %y : tensor<4x2x4x32xbf16>
}

// CHECK: PASS @rope_dynamic_ntk_f16
func.func @rope_dynamic_ntk_f16(%x: tensor<4x2x2x32xf16>, %pos: tensor<4x2xi32>)
    -> tensor<4x2x2x32xf16> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 4.0, original_max_position = 1024>}
      : tensor<4x2x2x32xf16>, tensor<4x2xi32>
  return %y : tensor<4x2x2x32xf16>
}
