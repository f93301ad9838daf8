// RUN: xfuse-opt %s --xfuse-form-kernels="target=sm_90a" -split-input-file | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: xfuse-opt %s --xfuse-form-kernels="target=sm_80" -split-input-file | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: not xfuse-opt %s --xfuse-form-kernels="target=sm_70" 2>&1 | FileCheck %s --check-prefix=BAD-TARGET
// BAD-TARGET: for the --target option: Cannot find option named 'sm_70'!

// PE + FFN(relu): no GEMM main loop applies a prologue to its A tile, and
// a sequence of 16 is too short for a Hopper tile to fold the encoding into
// the weight, so it is a pointwise kernel on both targets; bias and
// activation are epilogues. Three kernels, and nothing else in the
// function.
// CHECK-LABEL: func.func @pe_ffn
// CHECK-SAME: (%[[X:.*]]: tensor<?x16x256xbf16>, %[[W1:.*]]: tensor<256x512xbf16>, %[[B1:.*]]: tensor<512xbf16>, %[[W2:.*]]: tensor<512x256xbf16>, %[[B2:.*]]: tensor<256xbf16>)
// CHECK-NEXT: %[[PE:.*]] = xkernel.pointwise(%[[X]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x16x256xbf16>):
// CHECK-NEXT: %[[E:.*]] = xfuse.sinusoidal_pe %[[A]]
// CHECK-NEXT: xkernel.yield %[[E]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[H:.*]] = xkernel.gemm(%[[PE]], %[[W1]], %[[B1]] :
// CHECK-NEXT: ^bb0(%[[PA:.*]]: tensor<?x16x256xbf16>, %[[WA:.*]]: tensor<256x512xbf16>, %[[BA:.*]]: tensor<512xbf16>):
// CHECK-NEXT: %[[L:.*]] = xfuse.linear %[[PA]], %[[WA]] bias %[[BA]]
// CHECK-NEXT: %[[R:.*]] = xfuse.activation %[[L]] {kind = #xfuse.activation<relu>}
// CHECK-NEXT: xkernel.yield %[[R]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[W2]], %[[B2]] :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Y]]
func.func @pe_ffn(%x: tensor<?x16x256xbf16>, %w1: tensor<256x512xbf16>, %b1: tensor<512xbf16>,
                  %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x16x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x16x256xbf16>
  %h = xfuse.linear %pe, %w1 bias %b1 : (tensor<?x16x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x16x512xbf16>
  %a = xfuse.activation %h {kind = #xfuse.activation<relu>} : tensor<?x16x512xbf16>
  %y = xfuse.linear %a, %w2 bias %b2 : (tensor<?x16x512xbf16>, tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x16x256xbf16>
  return %y : tensor<?x16x256xbf16>
}

// -----

// An encoding that is also the residual: its kernel's result feeds the
// first GEMM and the residual add in the second one's epilogue.
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

// On sm_90a the encoding of 128-token sequences folds into the weight of
// the first GEMM, which holds it as its prologue: two kernels. sm_80 has no
// fold: the encoding is a pointwise kernel.
// CHECK-LABEL: func.func @pe_folded
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x128x256xbf16>, %[[W1:[^:]*]]: tensor<512x256xbf16>
// SM90-NEXT: %[[H:.*]] = xkernel.gemm(%[[X]], %[[W1]] :
// SM90-NEXT: ^bb0(%[[A:[^:]*]]: tensor<?x128x256xbf16>, %[[WA:[^:]*]]: tensor<512x256xbf16>):
// SM90-NEXT: %[[E:.*]] = xfuse.sinusoidal_pe %[[A]]
// SM90-NEXT: %[[L:.*]] = xfuse.linear %[[E]], %[[WA]]
// SM90-NEXT: xfuse.activation %[[L]]
// SM90-NOT: xkernel.pointwise
// SM80-NEXT: %[[PE:.*]] = xkernel.pointwise(%[[X]] :
// SM80-NEXT: ^bb0
// SM80-NEXT: xfuse.sinusoidal_pe
// SM80: xkernel.gemm(%[[PE]], %[[W1]] :
func.func @pe_folded(%x: tensor<?x128x256xbf16>, %w1: tensor<512x256xbf16>,
                     %w2: tensor<256x512xbf16>) -> tensor<?x128x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x128x256xbf16>
  %h = xfuse.linear %pe, %w1 {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128x256xbf16>, tensor<512x256xbf16>) -> tensor<?x128x512xbf16>
  %a = xfuse.activation %h {kind = #xfuse.activation<relu>} : tensor<?x128x512xbf16>
  %y = xfuse.linear %a, %w2 {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128x512xbf16>, tensor<256x512xbf16>) -> tensor<?x128x256xbf16>
  return %y : tensor<?x128x256xbf16>
}

// -----

// A weight another GEMM also reads is packed once, without the table of
// one GEMM's encoding: the encoding stays a pointwise kernel.
// CHECK-LABEL: func.func @pe_weight_shared
// CHECK: %[[PE:.*]] = xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.sinusoidal_pe
// CHECK: xkernel.gemm(%[[PE]],
func.func @pe_weight_shared(%x: tensor<?x128x256xbf16>, %y: tensor<?x256xbf16>,
                            %w: tensor<256x256xbf16>) -> (tensor<?x128x256xbf16>, tensor<?x256xbf16>) {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x128x256xbf16>
  %h = xfuse.linear %pe, %w : (tensor<?x128x256xbf16>, tensor<256x256xbf16>) -> tensor<?x128x256xbf16>
  %g = xfuse.linear %y, %w : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
  return %h, %g : tensor<?x128x256xbf16>, tensor<?x256xbf16>
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
// reshape into heads, whose size is recomputed inside the kernel: heads of
// 64 fit a 128-wide tile (sm_90a) and a 128-wide tile of 4 x 2 warps
// (sm_80). The shape query on the projection's result is rewritten to read
// the input, and is erased once the reshape has moved: the function holds
// the kernel and its return.
// CHECK-LABEL: func.func @linear_rope
// CHECK-SAME: (%[[X:.*]]: tensor<?x16x128xbf16>, %[[W:.*]]: tensor<128x128xbf16>, %[[P:.*]]: tensor<?x16xi32>)
// CHECK-NEXT: %[[Q:.*]] = xkernel.gemm(%[[X]], %[[W]], %[[P]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x16x128xbf16>,
// CHECK: xfuse.linear
// CHECK: %[[N:.*]] = tensor.dim %[[A]]
// CHECK-NEXT: tensor.expand_shape {{.*}} output_shape [%[[N]], 16, 2, 64]
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

// Phi-2: heads of 80, the first 32 features rotated. No Hopper tile (64 to
// 256 wide, by 64) holds whole heads, so the RoPE and the reshape into
// heads are a pointwise kernel after the GEMM; on sm_80 a 160-wide tile of
// 4 x 2 warps gives each warp one head.
// CHECK-LABEL: func.func @phi_heads_80
// SM90: %[[Q:.*]] = xkernel.gemm
// SM90-NEXT: ^bb0
// SM90-NEXT: xfuse.linear
// SM90-NEXT: xkernel.yield
// SM90: xkernel.pointwise(%[[Q]],
// SM90: tensor.expand_shape
// SM90-NEXT: xfuse.rope
// SM80: xkernel.gemm
// SM80: xfuse.linear
// SM80: tensor.expand_shape
// SM80-NEXT: xfuse.rope
// SM80-NOT: xkernel.pointwise
// CHECK: return
func.func @phi_heads_80(%x: tensor<?x2560xbf16>, %w: tensor<2560x2560xbf16>, %pos: tensor<?xi32>) -> tensor<?x32x80xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x2560xbf16>, tensor<2560x2560xbf16>) -> tensor<?x2560xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x2560xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 32, 80] : tensor<?x2560xbf16> into tensor<?x32x80xbf16>
  %r = xfuse.rope %h positions %pos {rotary_dim = 32 : i64} : tensor<?x32x80xbf16>, tensor<?xi32>
  return %r : tensor<?x32x80xbf16>
}

// -----

// Heads of 96 (fully rotated) and of 192 fit 192-wide tiles on sm_90a, and
// on sm_80 warp columns of 96 (4 x 2 warps) and 192 (8 x 1): fused.
// CHECK-LABEL: func.func @heads_96_and_192
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK-NOT: xkernel.pointwise
// CHECK: return
func.func @heads_96_and_192(%x: tensor<?x1536xbf16>, %w: tensor<1536x1536xbf16>, %pos: tensor<?xi32>)
    -> (tensor<?x16x96xbf16>, tensor<?x8x192xbf16>) {
  %c0 = arith.constant 0 : index
  %q = xfuse.linear %x, %w : (tensor<?x1536xbf16>, tensor<1536x1536xbf16>) -> tensor<?x1536xbf16>
  %t = tensor.dim %q, %c0 : tensor<?x1536xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 16, 96] : tensor<?x1536xbf16> into tensor<?x16x96xbf16>
  %r = xfuse.rope %h positions %pos : tensor<?x16x96xbf16>, tensor<?xi32>
  %k = xfuse.linear %x, %w : (tensor<?x1536xbf16>, tensor<1536x1536xbf16>) -> tensor<?x1536xbf16>
  %u = tensor.dim %k, %c0 : tensor<?x1536xbf16>
  %kh = tensor.expand_shape %k [[0], [1, 2]] output_shape [%u, 8, 192] : tensor<?x1536xbf16> into tensor<?x8x192xbf16>
  %kr = xfuse.rope %kh positions %pos {style = #xfuse.rope_style<gptj>} : tensor<?x8x192xbf16>, tensor<?xi32>
  return %r, %kr : tensor<?x16x96xbf16>, tensor<?x8x192xbf16>
}

// -----

// GPT-NeoX-20B: heads of 96 with 24 features rotated, neox style. A pair
// 12 features apart is in two threads of any GEMM tile, so the RoPE runs
// in a pointwise kernel on both targets.
// CHECK-LABEL: func.func @neox_20b
// CHECK: %[[Q:.*]] = xkernel.gemm
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xkernel.yield
// CHECK: xkernel.pointwise(%[[Q]],
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
func.func @neox_20b(%x: tensor<?x6144xbf16>, %w: tensor<6144x6144xbf16>, %pos: tensor<?xi32>) -> tensor<?x64x96xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x6144xbf16>, tensor<6144x6144xbf16>) -> tensor<?x6144xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x6144xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 64, 96] : tensor<?x6144xbf16> into tensor<?x64x96xbf16>
  %r = xfuse.rope %h positions %pos {rotary_dim = 24 : i64} : tensor<?x64x96xbf16>, tensor<?xi32>
  return %r : tensor<?x64x96xbf16>
}

// -----

// Decode: the query projection of 1, 16 and 64 tokens and its RoPE (heads
// of 128) are one kernel each, on an unsplit plan (see
// xfuse-plan-launch.mlir).
// CHECK-LABEL: func.func @decode_rope
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape {{.*}} output_shape [1, 32, 128]
// CHECK-NEXT: xfuse.rope
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape {{.*}} output_shape [16, 32, 128]
// CHECK-NEXT: xfuse.rope
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape {{.*}} output_shape [64, 32, 128]
// CHECK-NEXT: xfuse.rope
// CHECK-NOT: xkernel.pointwise
// CHECK: return
func.func @decode_rope(%x1: tensor<1x4096xbf16>, %x16: tensor<16x4096xbf16>, %x64: tensor<64x4096xbf16>,
                       %w: tensor<4096x4096xbf16>, %p1: tensor<1xi32>, %p16: tensor<16xi32>, %p64: tensor<64xi32>)
    -> (tensor<1x32x128xbf16>, tensor<16x32x128xbf16>, tensor<64x32x128xbf16>) {
  %q1 = xfuse.linear %x1, %w : (tensor<1x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<1x4096xbf16>
  %h1 = tensor.expand_shape %q1 [[0], [1, 2]] output_shape [1, 32, 128] : tensor<1x4096xbf16> into tensor<1x32x128xbf16>
  %r1 = xfuse.rope %h1 positions %p1 : tensor<1x32x128xbf16>, tensor<1xi32>
  %q16 = xfuse.linear %x16, %w : (tensor<16x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<16x4096xbf16>
  %h16 = tensor.expand_shape %q16 [[0], [1, 2]] output_shape [16, 32, 128] : tensor<16x4096xbf16> into tensor<16x32x128xbf16>
  %r16 = xfuse.rope %h16 positions %p16 : tensor<16x32x128xbf16>, tensor<16xi32>
  %q64 = xfuse.linear %x64, %w : (tensor<64x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<64x4096xbf16>
  %h64 = tensor.expand_shape %q64 [[0], [1, 2]] output_shape [64, 32, 128] : tensor<64x4096xbf16> into tensor<64x32x128xbf16>
  %r64 = xfuse.rope %h64 positions %p64 : tensor<64x32x128xbf16>, tensor<64xi32>
  return %r1, %r16, %r64 : tensor<1x32x128xbf16>, tensor<16x32x128xbf16>, tensor<64x32x128xbf16>
}

// -----

// Dynamic NTK scaling changes the frequencies, not the pairs: fused.
// CHECK-LABEL: func.func @dynamic_ntk
// CHECK: xkernel.gemm
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope {{.*}}dynamic_ntk_scaling
// CHECK-NOT: xkernel.pointwise
func.func @dynamic_ntk(%x: tensor<?x4096xbf16>, %w: tensor<4096x4096xbf16>, %pos: tensor<?xi32>) -> tensor<?x32x128xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x4096xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 32, 128] : tensor<?x4096xbf16> into tensor<?x32x128xbf16>
  %r = xfuse.rope %h positions %pos {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 2048>}
      : tensor<?x32x128xbf16>, tensor<?xi32>
  return %r : tensor<?x32x128xbf16>
}

// -----

// A projection that is also returned is the GEMM's result; the split into
// heads and the RoPE form a pointwise kernel on it.
// CHECK-LABEL: func.func @projection_with_second_user
// CHECK-NEXT: %[[Q:.*]] = xkernel.gemm
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[R:.*]] = xkernel.pointwise(%[[Q]],
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x4096xbf16>,
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0
// CHECK-NEXT: %[[N:.*]] = tensor.dim %[[A]], %[[C0]]
// CHECK-NEXT: %[[H:.*]] = tensor.expand_shape %[[A]] {{.*}} output_shape [%[[N]], 32, 128]
// CHECK-NEXT: %[[P:.*]] = xfuse.rope %[[H]]
// CHECK-NEXT: xkernel.yield %[[P]]
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Q]], %[[R]]
func.func @projection_with_second_user(%x: tensor<?x4096xbf16>, %w: tensor<4096x4096xbf16>, %pos: tensor<?xi32>)
    -> (tensor<?x4096xbf16>, tensor<?x32x128xbf16>) {
  %q = xfuse.linear %x, %w : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x4096xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 32, 128] : tensor<?x4096xbf16> into tensor<?x32x128xbf16>
  %r = xfuse.rope %h positions %pos : tensor<?x32x128xbf16>, tensor<?xi32>
  return %q, %r : tensor<?x4096xbf16>, tensor<?x32x128xbf16>
}

// -----

// A RoPE on a function argument, static and dynamic tokens: one pointwise
// kernel from the reshape on.
// CHECK-LABEL: func.func @standalone_rope
// CHECK-SAME: (%[[X:.*]]: tensor<?x4096xbf16>, %[[S:.*]]: tensor<8x4096xbf16>,
// CHECK-NEXT: xkernel.pointwise(%[[X]],
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant
// CHECK-NEXT: tensor.dim
// CHECK-NEXT: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: xkernel.pointwise(%[[S]],
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.expand_shape {{.*}} output_shape [8, 32, 128]
// CHECK-NEXT: xfuse.rope
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @standalone_rope(%x: tensor<?x4096xbf16>, %s: tensor<8x4096xbf16>, %pos: tensor<?xi32>, %spos: tensor<8xi32>)
    -> (tensor<?x32x128xbf16>, tensor<8x32x128xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4096xbf16>
  %h = tensor.expand_shape %x [[0], [1, 2]] output_shape [%t, 32, 128] : tensor<?x4096xbf16> into tensor<?x32x128xbf16>
  %r = xfuse.rope %h positions %pos : tensor<?x32x128xbf16>, tensor<?xi32>
  %sh = tensor.expand_shape %s [[0], [1, 2]] output_shape [8, 32, 128] : tensor<8x4096xbf16> into tensor<8x32x128xbf16>
  %sr = xfuse.rope %sh positions %spos : tensor<8x32x128xbf16>, tensor<8xi32>
  return %r, %sr : tensor<?x32x128xbf16>, tensor<8x32x128xbf16>
}

// -----

// f32 projections run on the SIMT main loop, which has no RoPE epilogue:
// the RoPE is a pointwise kernel, with the reshapes around it.
// CHECK-LABEL: func.func @f32_rope
// CHECK: %[[Q:.*]] = xkernel.gemm
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xkernel.yield
// CHECK: xkernel.pointwise(%[[Q]] :
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: xkernel.yield
func.func @f32_rope(%x: tensor<?x256xf32>, %w: tensor<256x256xf32>) -> tensor<?x256xf32> {
  %q = xfuse.linear %x, %w : (tensor<?x256xf32>, tensor<256x256xf32>) -> tensor<?x256xf32>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64] : tensor<?x256xf32> into tensor<?x4x64xf32>
  %r = xfuse.rope %h : tensor<?x4x64xf32>
  %m = tensor.collapse_shape %r [[0], [1, 2]] : tensor<?x4x64xf32> into tensor<?x256xf32>
  return %m : tensor<?x256xf32>
}

// -----

// Reshapes wherever they occur: the views a GEMM's result ends in are its
// epilogue's (here before a return and another reshape), one on the way to
// a pointwise op joins that op's kernel, and one of an argument read by a
// GEMM is a kernel of its own.
// CHECK-LABEL: func.func @reshapes
// CHECK-NEXT: %[[FLAT:.*]] = xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[H:.*]] = xkernel.gemm(%[[FLAT]],
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: tensor.expand_shape
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[A:.*]] = xkernel.pointwise(%[[H]] :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: xfuse.activation
// CHECK-NEXT: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[H]], %[[A]]
func.func @reshapes(%x: tensor<4x8x64xbf16>, %w: tensor<64x128xbf16>) -> (tensor<32x2x64xbf16>, tensor<64x64xbf16>) {
  %flat = tensor.collapse_shape %x [[0, 1], [2]] : tensor<4x8x64xbf16> into tensor<32x64xbf16>
  %y = xfuse.linear %flat, %w : (tensor<32x64xbf16>, tensor<64x128xbf16>) -> tensor<32x128xbf16>
  %h = tensor.expand_shape %y [[0], [1, 2]] output_shape [32, 2, 64] : tensor<32x128xbf16> into tensor<32x2x64xbf16>
  %m = tensor.collapse_shape %h [[0, 1], [2]] : tensor<32x2x64xbf16> into tensor<64x64xbf16>
  %a = xfuse.activation %m {kind = #xfuse.activation<relu>} : tensor<64x64xbf16>
  return %h, %a : tensor<32x2x64xbf16>, tensor<64x64xbf16>
}

// -----

// Row-local ops chain into one pointwise kernel while each value has one
// user, through the reshapes between them; the norm's result feeds the
// GEMM.
// CHECK-LABEL: func.func @pointwise_chain
// CHECK: %[[N:.*]] = xkernel.pointwise
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.learned_pe
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: xfuse.activation
// CHECK-NEXT: xfuse.layer_norm
// CHECK-NEXT: xkernel.yield
// CHECK: xkernel.gemm(%[[N]],
func.func @pointwise_chain(%x: tensor<4x32x64xf32>, %table: tensor<128x64xf32>, %g: tensor<64xf32>, %w: tensor<64x64xf32>) -> tensor<128x64xf32> {
  %0 = xfuse.learned_pe %x, %table : tensor<4x32x64xf32>, tensor<128x64xf32>
  %flat = tensor.collapse_shape %0 [[0, 1], [2]] : tensor<4x32x64xf32> into tensor<128x64xf32>
  %1 = xfuse.activation %flat {kind = #xfuse.activation<gelu_tanh>} : tensor<128x64xf32>
  %2 = xfuse.layer_norm %1, %g : tensor<128x64xf32>, tensor<64xf32>
  %3 = xfuse.linear %2, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %3 : tensor<128x64xf32>
}
