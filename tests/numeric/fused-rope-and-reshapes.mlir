// The graphs whose fusion depends on the target's GEMM limits compute, fused
// and planned for either target, what they compute unfused: RoPE in a GEMM
// epilogue or in a pointwise kernel with the reshape into heads, reshapes
// absorbed wherever they occur, f32 GEMMs. Fresh random inputs each run;
// both lowerings are compared with the float64 reference and each other.
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s

// Phi-2-like heads of 80, 32 features rotated: a pointwise RoPE on sm_90a,
// an epilogue one on sm_80.
// CHECK: PASS @heads_80 ({{.*}}fused vs unfused
func.func @heads_80(%x: tensor<?x160xbf16>, %w: tensor<160x160xbf16>, %pos: tensor<?xi32>) -> tensor<?x2x80xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x160xbf16>, tensor<160x160xbf16>) -> tensor<?x160xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x160xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 80] : tensor<?x160xbf16> into tensor<?x2x80xbf16>
  %r = xfuse.rope %h positions %pos {rotary_dim = 32 : i64} : tensor<?x2x80xbf16>, tensor<?xi32>
  return %r : tensor<?x2x80xbf16>
}

// Heads of 96 (192-wide tiles) and GPT-NeoX-20B's partial rotation of 24
// features (never in an epilogue).
// CHECK: PASS @heads_96 ({{.*}}fused vs unfused
func.func @heads_96(%x: tensor<?x192xbf16>, %w: tensor<192x192xbf16>, %pos: tensor<?xi32>)
    -> (tensor<?x2x96xbf16>, tensor<?x2x96xbf16>) {
  %c0 = arith.constant 0 : index
  %q = xfuse.linear %x, %w : (tensor<?x192xbf16>, tensor<192x192xbf16>) -> tensor<?x192xbf16>
  %t = tensor.dim %q, %c0 : tensor<?x192xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 96] : tensor<?x192xbf16> into tensor<?x2x96xbf16>
  %r = xfuse.rope %h positions %pos : tensor<?x2x96xbf16>, tensor<?xi32>
  %k = xfuse.linear %x, %w : (tensor<?x192xbf16>, tensor<192x192xbf16>) -> tensor<?x192xbf16>
  %u = tensor.dim %k, %c0 : tensor<?x192xbf16>
  %kh = tensor.expand_shape %k [[0], [1, 2]] output_shape [%u, 2, 96] : tensor<?x192xbf16> into tensor<?x2x96xbf16>
  %kr = xfuse.rope %kh positions %pos {rotary_dim = 24 : i64} : tensor<?x2x96xbf16>, tensor<?xi32>
  return %r, %kr : tensor<?x2x96xbf16>, tensor<?x2x96xbf16>
}

// Decode: 16 tokens, heads of 128, in the epilogue of an unsplit GEMM.
// CHECK: PASS @decode_rope ({{.*}}fused vs unfused
func.func @decode_rope(%x: tensor<16x256xbf16>, %w: tensor<256x256xbf16>, %pos: tensor<16xi32>) -> tensor<16x2x128xbf16> {
  %q = xfuse.linear %x, %w : (tensor<16x256xbf16>, tensor<256x256xbf16>) -> tensor<16x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [16, 2, 128] : tensor<16x256xbf16> into tensor<16x2x128xbf16>
  %r = xfuse.rope %h positions %pos : tensor<16x2x128xbf16>, tensor<16xi32>
  return %r : tensor<16x2x128xbf16>
}

// A projection returned and rotated; a RoPE on an argument, with dynamic
// and static tokens; views after the RoPE.
// CHECK: PASS @reshapes_around_rope ({{.*}}fused vs unfused
func.func @reshapes_around_rope(%x: tensor<?x128xbf16>, %w: tensor<128x128xbf16>, %s: tensor<4x2x64xbf16>,
                                %pos: tensor<?xi32>, %spos: tensor<4xi32>)
    -> (tensor<?x128xbf16>, tensor<?x128xbf16>, tensor<?x2x64xbf16>, tensor<8x64xbf16>) {
  %c0 = arith.constant 0 : index
  %q = xfuse.linear %x, %w : (tensor<?x128xbf16>, tensor<128x128xbf16>) -> tensor<?x128xbf16>
  %t = tensor.dim %q, %c0 : tensor<?x128xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 64] : tensor<?x128xbf16> into tensor<?x2x64xbf16>
  %r = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>} : tensor<?x2x64xbf16>, tensor<?xi32>
  %m = tensor.collapse_shape %r [[0], [1, 2]] : tensor<?x2x64xbf16> into tensor<?x128xbf16>
  %n = tensor.dim %x, %c0 : tensor<?x128xbf16>
  %xh = tensor.expand_shape %x [[0], [1, 2]] output_shape [%n, 2, 64] : tensor<?x128xbf16> into tensor<?x2x64xbf16>
  %xr = xfuse.rope %xh positions %pos : tensor<?x2x64xbf16>, tensor<?xi32>
  %sr = xfuse.rope %s positions %spos : tensor<4x2x64xbf16>, tensor<4xi32>
  %sf = tensor.collapse_shape %sr [[0, 1], [2]] : tensor<4x2x64xbf16> into tensor<8x64xbf16>
  return %q, %m, %xr, %sf : tensor<?x128xbf16>, tensor<?x128xbf16>, tensor<?x2x64xbf16>, tensor<8x64xbf16>
}

// Dynamic NTK scaling: the base follows the call's longest position.
// CHECK: PASS @dynamic_ntk ({{.*}}fused vs unfused
func.func @dynamic_ntk(%x: tensor<?x128xbf16>, %w: tensor<128x128xbf16>, %pos: tensor<?xi32>) -> tensor<?x1x128xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x128xbf16>, tensor<128x128xbf16>) -> tensor<?x128xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x128xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 1, 128] : tensor<?x128xbf16> into tensor<?x1x128xbf16>
  %r = xfuse.rope %h positions %pos {scaling = #xfuse.dynamic_ntk_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<?x1x128xbf16>, tensor<?xi32>
  return %r : tensor<?x1x128xbf16>
}

// An f32 FFN on the SIMT main loop and an f32 projection whose RoPE runs in
// a pointwise kernel, with the views after it.
// CHECK: PASS @f32_ffn_rope ({{.*}}fused vs unfused
func.func @f32_ffn_rope(%x: tensor<?x64xf32>, %w1: tensor<64x128xf32>, %w2: tensor<128x64xf32>,
                        %wq: tensor<128x64xf32>)
    -> (tensor<?x64xf32>, tensor<?x2x64xf32>) {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x64xf32>, tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<?x64xf32>
  %q = xfuse.linear %y, %wq {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x128xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 32] : tensor<?x128xf32> into tensor<?x4x32xf32>
  %r = xfuse.rope %h : tensor<?x4x32xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2]] : tensor<?x4x32xf32> into tensor<?x128xf32>
  %pairs = tensor.expand_shape %flat [[0], [1, 2]] output_shape [%t, 2, 64] : tensor<?x128xf32> into tensor<?x2x64xf32>
  return %y, %pairs : tensor<?x64xf32>, tensor<?x2x64xf32>
}
