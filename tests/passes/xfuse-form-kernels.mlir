// RUN: xfuse-opt %s --xfuse-form-kernels="target=sm_90a" -split-input-file | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: xfuse-opt %s --xfuse-form-kernels="target=sm_80" -split-input-file | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: not xfuse-opt %s --xfuse-form-kernels="target=sm_70" 2>&1 | FileCheck %s --check-prefix=BAD-TARGET
// BAD-TARGET: error: unknown target 'sm_70': expected sm_80 or sm_90a

// PE + FFN(relu) with a narrow hidden size: recomputing the encoding per
// output tile column is cheaper than writing and reading it back, so it goes
// into the first GEMM's prologue; bias and activation are epilogues. Two
// kernels in all.
// CHECK-LABEL: func.func @pe_ffn_narrow
// CHECK-SAME: (%[[X:.*]]: tensor<?x16x256xbf16>, %[[W1:.*]]: tensor<256x512xbf16>, %[[B1:.*]]: tensor<512xbf16>, %[[W2:.*]]: tensor<512x256xbf16>, %[[B2:.*]]: tensor<256xbf16>)
// CHECK: %[[H:.*]] = xkernel.gemm(%[[X]], %[[W1]], %[[B1]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x16x256xbf16>, %[[WA:.*]]: tensor<256x512xbf16>, %[[BA:.*]]: tensor<512xbf16>):
// CHECK-NEXT: %[[PE:.*]] = xfuse.sinusoidal_pe %[[A]]
// CHECK-NEXT: %[[L:.*]] = xfuse.linear %[[PE]], %[[WA]] bias %[[BA]]
// CHECK-NEXT: %[[R:.*]] = xfuse.activation %[[L]] {kind = #xfuse.activation<relu>}
// CHECK-NEXT: xkernel.yield %[[R]]
// CHECK: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[W2]], %[[B2]] :
// CHECK: xfuse.linear
// CHECK-NEXT: xkernel.yield
// CHECK-NOT: xkernel.pointwise
// CHECK: return %[[Y]]
func.func @pe_ffn_narrow(%x: tensor<?x16x256xbf16>, %w1: tensor<256x512xbf16>, %b1: tensor<512xbf16>,
                         %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x16x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x16x256xbf16>
  %h = xfuse.linear %pe, %w1 bias %b1 : (tensor<?x16x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x16x512xbf16>
  %a = xfuse.activation %h {kind = #xfuse.activation<relu>} : tensor<?x16x512xbf16>
  %y = xfuse.linear %a, %w2 bias %b2 : (tensor<?x16x512xbf16>, tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x16x256xbf16>
  return %y : tensor<?x16x256xbf16>
}

// -----

// The placement depends on the target: with N = 1024, sm_90a's 256-wide
// tiles recompute the encoding 4 times (cheaper than a round trip through
// memory at 3 TB/s), sm_80's 128-wide tiles 8 times (dearer at 1.5 TB/s).
// (K = 2048: a short main loop would take sm_90a's 128-wide ping-pong tile.)
// CHECK-LABEL: func.func @pe_placement_by_target
// SM90-NOT: xkernel.pointwise
// SM90: xkernel.gemm
// SM90-NEXT: ^bb0
// SM90-NEXT: xfuse.sinusoidal_pe
// SM80: xkernel.pointwise
// SM80-NEXT: ^bb0
// SM80-NEXT: xfuse.sinusoidal_pe
// SM80: xkernel.gemm
// SM80-NOT: xfuse.sinusoidal_pe
// SM80: return
func.func @pe_placement_by_target(%x: tensor<?x2048xbf16>, %w: tensor<2048x1024xbf16>) -> tensor<?x1024xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x2048xbf16>
  %h = xfuse.linear %pe, %w : (tensor<?x2048xbf16>, tensor<2048x1024xbf16>) -> tensor<?x1024xbf16>
  return %h : tensor<?x1024xbf16>
}

// -----

// BERT-sized FFN: with N = 3072 the prologue would recompute the encoding 12
// times per token; it stays a separate bandwidth-bound kernel.
// CHECK-LABEL: func.func @pe_ffn_wide
// CHECK: %[[PE:.*]] = xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.sinusoidal_pe
// CHECK-NEXT: xkernel.yield
// CHECK: xkernel.gemm(%[[PE]],
// CHECK-NOT: xfuse.sinusoidal_pe
// CHECK: xkernel.gemm
func.func @pe_ffn_wide(%x: tensor<?x768xbf16>, %w1: tensor<768x3072xbf16>, %w2: tensor<3072x768xbf16>) -> tensor<?x768xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x768xbf16>
  %h = xfuse.linear %pe, %w1 : (tensor<?x768xbf16>, tensor<768x3072xbf16>) -> tensor<?x3072xbf16>
  %a = xfuse.activation %h {kind = #xfuse.activation<relu>} : tensor<?x3072xbf16>
  %y = xfuse.linear %a, %w2 : (tensor<?x3072xbf16>, tensor<3072x768xbf16>) -> tensor<?x768xbf16>
  return %y : tensor<?x768xbf16>
}

// -----

// An encoding that is also the residual must be written out anyway: it
// stays in its own kernel, and the residual add joins the second epilogue.
// CHECK-LABEL: func.func @pe_also_residual
// CHECK: %[[PE:.*]] = xkernel.pointwise
// CHECK: xkernel.gemm(%[[PE]],
// CHECK: xkernel.gemm({{.*}}, %[[PE]] :
// CHECK: xfuse.linear
// CHECK-NEXT: xfuse.add
// CHECK-NEXT: xkernel.yield
func.func @pe_also_residual(%x: tensor<?x64xf16>, %w1: tensor<64x128xf16>, %w2: tensor<128x64xf16>) -> tensor<?x64xf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x64xf16>
  %h = xfuse.linear %pe, %w1 : (tensor<?x64xf16>, tensor<64x128xf16>) -> tensor<?x128xf16>
  %a = xfuse.activation %h {kind = #xfuse.activation<gelu>} : tensor<?x128xf16>
  %y = xfuse.linear %a, %w2 : (tensor<?x128xf16>, tensor<128x64xf16>) -> tensor<?x64xf16>
  %r = xfuse.add %y, %pe : tensor<?x64xf16>, tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}

// -----

// Gate and up projections sharing their input become one GEMM with paired
// accumulators whose epilogue is the gated product.
// CHECK-LABEL: func.func @swiglu
// CHECK: %[[GU:.*]] = xkernel.gemm
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x64xbf16>, %[[WG:.*]]: tensor<64x176xbf16>, %[[WU:.*]]: tensor<64x176xbf16>):
// CHECK-NEXT: %[[G:.*]] = xfuse.linear %[[A]], %[[WG]]
// CHECK-NEXT: %[[U:.*]] = xfuse.linear %[[A]], %[[WU]]
// CHECK-NEXT: %[[P:.*]] = xfuse.gate %[[G]], %[[U]]
// CHECK-NEXT: xkernel.yield %[[P]]
// CHECK: xkernel.gemm(%[[GU]],
// CHECK-NOT: xkernel.pointwise
func.func @swiglu(%x: tensor<?x64xbf16>, %wg: tensor<64x176xbf16>, %wu: tensor<64x176xbf16>, %wd: tensor<176x64xbf16>) -> tensor<?x64xbf16> {
  %g = xfuse.linear %x, %wg : (tensor<?x64xbf16>, tensor<64x176xbf16>) -> tensor<?x176xbf16>
  %u = xfuse.linear %x, %wu : (tensor<?x64xbf16>, tensor<64x176xbf16>) -> tensor<?x176xbf16>
  %p = xfuse.gate %g, %u : tensor<?x176xbf16>
  %y = xfuse.linear %p, %wd : (tensor<?x176xbf16>, tensor<176x64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// An up projection with another user cannot pair: two GEMMs and the gate
// in a pointwise kernel.
// CHECK-LABEL: func.func @gate_unpaired
// CHECK-COUNT-2: xkernel.gemm
// CHECK: xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.gate
func.func @gate_unpaired(%x: tensor<8x64xf32>, %wg: tensor<64x64xf32>, %wu: tensor<64x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %g = xfuse.linear %x, %wg : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %u = xfuse.linear %x, %wu : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %p = xfuse.gate %g, %u : tensor<8x64xf32>
  return %p, %u : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// RoPE joins the epilogue of the projection that produces it, through the
// reshape into heads; the shape query on the projection's result is
// rewritten to read the input, so nothing outside keeps the projection.
// CHECK-LABEL: func.func @linear_rope
// CHECK-SAME: (%[[X:.*]]: tensor<?x16x128xbf16>, %[[W:.*]]: tensor<128x128xbf16>, %[[P:.*]]: tensor<?x16xi32>)
// CHECK-NEXT: %[[Q:.*]] = xkernel.gemm(%[[X]], %[[W]], %[[P]] :
// CHECK: xfuse.linear
// CHECK: tensor.expand_shape
// CHECK-NEXT: %[[R:.*]] = xfuse.rope
// CHECK-NEXT: xkernel.yield %[[R]]
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Q]]
func.func @linear_rope(%x: tensor<?x16x128xbf16>, %w: tensor<128x128xbf16>, %pos: tensor<?x16xi32>) -> tensor<?x16x2x64xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x16x128xbf16>, tensor<128x128xbf16>) -> tensor<?x16x128xbf16>
  %c0 = arith.constant 0 : index
  %batch = tensor.dim %q, %c0 : tensor<?x16x128xbf16>
  %heads = tensor.expand_shape %q [[0], [1], [2, 3]] output_shape [%batch, 16, 2, 64]
      : tensor<?x16x128xbf16> into tensor<?x16x2x64xbf16>
  %r = xfuse.rope %heads positions %pos {style = #xfuse.rope_style<gptj>} : tensor<?x16x2x64xbf16>, tensor<?x16xi32>
  return %r : tensor<?x16x2x64xbf16>
}

// -----

// Row-local ops chain into one pointwise kernel while each value has one
// user; the norm's result feeds the GEMM.
// CHECK-LABEL: func.func @pointwise_chain
// CHECK: %[[N:.*]] = xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.learned_pe
// CHECK-NEXT: xfuse.activation
// CHECK-NEXT: xfuse.layer_norm
// CHECK-NEXT: xkernel.yield
// CHECK: xkernel.gemm(%[[N]],
func.func @pointwise_chain(%x: tensor<4x32x64xf32>, %table: tensor<128x64xf32>, %g: tensor<64xf32>, %w: tensor<64x64xf32>) -> tensor<4x32x64xf32> {
  %0 = xfuse.learned_pe %x, %table : tensor<4x32x64xf32>, tensor<128x64xf32>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu_tanh>} : tensor<4x32x64xf32>
  %2 = xfuse.layer_norm %1, %g : tensor<4x32x64xf32>, tensor<64xf32>
  %3 = xfuse.linear %2, %w : (tensor<4x32x64xf32>, tensor<64x64xf32>) -> tensor<4x32x64xf32>
  return %3 : tensor<4x32x64xf32>
}
