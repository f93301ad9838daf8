// RUN: xfuse-opt %s --xfuse-to-linalg -split-input-file | FileCheck %s

// Feed-forward building blocks and networks lowered to linalg on tensors.
// Numerics are checked end to end elsewhere; these tests pin the structure:
// matmuls accumulating in f32, where results are rounded, how leading
// dimensions are flattened and restored, and how operands are broadcast.

// A rank-2 f32 linear layer with a bias: an f32 matmul over a zero-filled
// accumulator, then one generic adding the bias (no rounding needed).
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @linear_in_out_bias_f32
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x8xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<?x16xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<?x16xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<?x8xf32>, tensor<8x16xf32>) outs(%[[ACC]] : tensor<?x16xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[MM]], %[[B]] : tensor<?x16xf32>, tensor<16xf32>)
// CHECK: ^bb0(%[[P:.*]]: f32, %[[BI:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[P]], %[[BI]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.
func.func @linear_in_out_bias_f32(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = xfuse.linear %x, %w bias %b : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Without a bias, an f32 product is the result: no epilogue generic.
// CHECK-LABEL: func.func @linear_no_bias_f32
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @linear_no_bias_f32(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %y = xfuse.linear %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// PyTorch's [out, in] layout: the matmul reads the weight transposed through
// its indexing maps. Leading dimensions are collapsed into tokens and
// restored, the dynamic one read from the input. bf16 operands accumulate in
// f32 and the epilogue rounds once, after the bias.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear_out_in_bias_bf16_rank3
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xbf16>, %[[W:.*]]: tensor<16x8xbf16>, %[[B:.*]]: tensor<16xbf16>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x4x8xbf16> into tensor<?x8xbf16>
// CHECK: %[[ACC:.*]] = linalg.fill
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [#[[$A]], #[[$BT]], #[[$C]]] ins(%[[FLAT]], %[[W]] : tensor<?x8xbf16>, tensor<16x8xbf16>) outs(%[[ACC]] : tensor<?x16xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic
// CHECK-SAME: ins(%[[MM]], %[[B]] : tensor<?x16xf32>, tensor<16xbf16>) outs(%{{.*}} : tensor<?x16xbf16>)
// CHECK: ^bb0(%[[P:.*]]: f32, %[[BI:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[BE:.*]] = arith.extf %[[BI]] : bf16 to f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[P]], %[[BE]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[S]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
// CHECK: %[[BATCH:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4x8xbf16>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[OUT]] {{\[\[}}0, 1], [2]] output_shape [%[[BATCH]], 4, 16] : tensor<?x16xbf16> into tensor<?x4x16xbf16>
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.
func.func @linear_out_in_bias_bf16_rank3(%x: tensor<?x4x8xbf16>, %w: tensor<16x8xbf16>, %b: tensor<16xbf16>) -> tensor<?x4x16xbf16> {
  %y = xfuse.linear %x, %w bias %b {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4x8xbf16>, tensor<16x8xbf16>, tensor<16xbf16>) -> tensor<?x4x16xbf16>
  return %y : tensor<?x4x16xbf16>
}

// -----

// A bf16 product without a bias still gets a generic: the rounding.
// CHECK-LABEL: func.func @linear_no_bias_bf16
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x8xbf16>, tensor<8x16xbf16>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[MM]] : tensor<?x16xf32>) outs(%{{.*}} : tensor<?x16xbf16>)
// CHECK: ^bb0(%[[P:.*]]: f32, %{{.*}}: bf16):
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[P]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
func.func @linear_no_bias_bf16(%x: tensor<?x8xbf16>, %w: tensor<8x16xbf16>) -> tensor<?x16xbf16> {
  %y = xfuse.linear %x, %w : (tensor<?x8xbf16>, tensor<8x16xbf16>) -> tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// -----

// A vector input is the single row of a [1, in] matrix.
// CHECK-LABEL: func.func @linear_vector
// CHECK: %[[ROW:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf16> into tensor<1x8xf16>
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [{{.*}}] ins(%[[ROW]], %{{.*}} : tensor<1x8xf16>, tensor<16x8xf16>) outs(%{{.*}} : tensor<1x16xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[OUT]] {{\[\[}}0, 1]] : tensor<1x16xf16> into tensor<16xf16>
// CHECK: return %[[Y]]
func.func @linear_vector(%x: tensor<8xf16>, %w: tensor<16x8xf16>, %b: tensor<16xf16>) -> tensor<16xf16> {
  %y = xfuse.linear %x, %w bias %b {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<8xf16>, tensor<16x8xf16>, tensor<16xf16>) -> tensor<16xf16>
  return %y : tensor<16xf16>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[X]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: xfuse.
func.func @relu(%x: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x4x8xf32>
  return %y : tensor<?x4x8xf32>
}

// -----

// gelu evaluates erf in f32 between the bf16 extension and rounding.
// CHECK-LABEL: func.func @gelu_bf16
// CHECK: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[X:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT: %[[C:.*]] = arith.constant 0.707106769 : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[X]], %[[C]] : f32
// CHECK-NEXT: %[[E:.*]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[HX:.*]] = arith.mulf %[[HALF]], %[[X]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[OPE:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[G:.*]] = arith.mulf %[[HX]], %[[OPE]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[G]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
func.func @gelu_bf16(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// -----

// CHECK-LABEL: func.func @gelu_tanh
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[X2:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK: %[[X3:.*]] = arith.mulf %[[X]], %[[X2]] : f32
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: %[[T:.*]] = math.tanh %{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %[[T]] : f32
// CHECK: linalg.yield
func.func @gelu_tanh(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu_tanh>} : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @silu_f16
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[X:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.divf %[[X]], %[[D]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[R]] : f16
func.func @silu_f16(%x: tensor<?x8xf16>) -> tensor<?x8xf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<?x8xf16>
  return %y : tensor<?x8xf16>
}

// -----

// quick_gelu is silu's form with the slope 1.702 in the exponent.
// CHECK-LABEL: func.func @quick_gelu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[SLOPE:.*]] = arith.constant -1.702000e+00 : f32
// CHECK-NEXT: %[[SX:.*]] = arith.mulf %[[SLOPE]], %[[X]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[SX]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[X]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
func.func @quick_gelu(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<quick_gelu>} : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @relu2_bf16
// CHECK: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[X:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[X]], %[[ZERO]] : f32
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[R]], %[[R]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[SQ]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[T]] : bf16
func.func @relu2_bf16(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu2>} : tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xbf16>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[X]]
func.func @identity(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// -----

// A residual shaped like a suffix of lhs is read through the trailing loop
// dimensions; the result takes lhs's dynamic size.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[$LAST2:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @add_broadcast_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xbf16>, %[[V:.*]]: tensor<8xbf16>, %[[M:.*]]: tensor<4x8xbf16>)
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4x8xbf16>
// CHECK: %[[E0:.*]] = tensor.empty(%[[DIM]]) : tensor<?x4x8xbf16>
// CHECK: %[[S0:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$LAST]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[V]] : tensor<?x4x8xbf16>, tensor<8xbf16>) outs(%[[E0]] : tensor<?x4x8xbf16>)
// CHECK: ^bb0(%[[A:.*]]: bf16, %[[B:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[AE:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK-NEXT: %[[BE:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[AE]], %[[BE]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[SUM]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$LAST2]], #[[$ID3]]]
// CHECK-SAME: ins(%[[S0]], %[[M]] : tensor<?x4x8xbf16>, tensor<4x8xbf16>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ID3]]]
// CHECK-NOT: xfuse.
func.func @add_broadcast_bf16(%x: tensor<?x4x8xbf16>, %v: tensor<8xbf16>, %m: tensor<4x8xbf16>) -> tensor<?x4x8xbf16> {
  %0 = xfuse.add %x, %v : tensor<?x4x8xbf16>, tensor<8xbf16>
  %1 = xfuse.add %0, %m : tensor<?x4x8xbf16>, tensor<4x8xbf16>
  %2 = xfuse.add %1, %x : tensor<?x4x8xbf16>, tensor<?x4x8xbf16>
  return %2 : tensor<?x4x8xbf16>
}

// -----

// CHECK-LABEL: func.func @gate
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x16xbf16>, tensor<?x16xbf16>)
// CHECK: ^bb0(%[[G:.*]]: bf16, %[[U:.*]]: bf16, %{{.*}}: bf16):
// CHECK: %[[GE:.*]] = arith.extf %[[G]] : bf16 to f32
// CHECK: %[[UE:.*]] = arith.extf %[[U]] : bf16 to f32
// CHECK: %[[T:.*]] = math.tanh
// CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[HG:.*]] = arith.mulf %[[HALF]], %[[GE]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[OPT:.*]] = arith.addf %[[ONE]], %[[T]] : f32
// CHECK-NEXT: %[[A:.*]] = arith.mulf %[[HG]], %[[OPT]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[UE]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[P]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
func.func @gate(%g: tensor<?x16xbf16>, %u: tensor<?x16xbf16>) -> tensor<?x16xbf16> {
  %y = xfuse.gate %g, %u {activation = #xfuse.activation<gelu_tanh>} : tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// -----

// gpt-oss's clamped SwiGLU: the gate clamped above, up on both sides (with
// NaN-propagating minimumf / maximumf, as torch.clamp), one rounding.
// CHECK-LABEL: func.func @gate_clamped_swiglu
// CHECK: ^bb0(%[[G:.*]]: bf16, %[[U:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[GE:.*]] = arith.extf %[[G]] : bf16 to f32
// CHECK-NEXT: %[[UE:.*]] = arith.extf %[[U]] : bf16 to f32
// CHECK-NEXT: %[[LIMIT:.*]] = arith.constant 7.000000e+00 : f32
// CHECK-NEXT: %[[NLIMIT:.*]] = arith.constant -7.000000e+00 : f32
// CHECK-NEXT: %[[GC:.*]] = arith.minimumf %[[GE]], %[[LIMIT]] : f32
// CHECK-NEXT: %[[UL:.*]] = arith.maximumf %[[UE]], %[[NLIMIT]] : f32
// CHECK-NEXT: %[[UC:.*]] = arith.minimumf %[[UL]], %[[LIMIT]] : f32
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant -1.702000e+00 : f32
// CHECK-NEXT: %[[AG:.*]] = arith.mulf %[[ALPHA]], %[[GC]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[AG]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[GLU:.*]] = arith.divf %[[GC]], %[[D]] : f32
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[UP1:.*]] = arith.addf %[[UC]], %[[ONE2]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[GLU]], %[[UP1]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[P]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
func.func @gate_clamped_swiglu(%g: tensor<?x16xbf16>, %u: tensor<?x16xbf16>) -> tensor<?x16xbf16> {
  %y = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<>} : tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// -----

// Gemma's offset is added to the weight, in f32, before it scales.
// CHECK-LABEL: func.func @rms_norm_weight_offset
// CHECK: ^bb0(%[[IN:.*]]: bf16, %[[SS:.*]]: f32, %[[W:.*]]: bf16, %{{.*}}: bf16):
// CHECK: %[[WE:.*]] = arith.extf %[[W]] : bf16 to f32
// CHECK: math.sqrt
// CHECK-NEXT: %[[N:.*]] = arith.divf
// CHECK-NEXT: %[[OFFSET:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[W1:.*]] = arith.addf %[[WE]], %[[OFFSET]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[N]], %[[W1]] : f32
// CHECK-NEXT: arith.truncf %[[Y]] : f32 to bf16
func.func @rms_norm_weight_offset(%x: tensor<?x8xbf16>, %w: tensor<8xbf16>) -> tensor<?x8xbf16> {
  %y = xfuse.rms_norm %x, %w {weight_offset = 1.0 : f64} : tensor<?x8xbf16>, tensor<8xbf16>
  return %y : tensor<?x8xbf16>
}

// -----

// The sum of squares reduces the last dimension into an f32 [batch, seq]
// tensor; the elementwise generic divides by its root mean and scales.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @rms_norm_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xbf16>, %[[W:.*]]: tensor<8xbf16>)
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x4xf32>)
// CHECK: %[[SS:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROW]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<?x4x8xbf16>) outs(%[[INIT]] : tensor<?x4xf32>)
// CHECK: ^bb0(%[[IN:.*]]: bf16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[XE:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[XE]], %[[XE]] : f32
// CHECK-NEXT: %[[NEXT:.*]] = arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK-NEXT: linalg.yield %[[NEXT]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROW]], #[[$LAST]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[SS]], %[[W]] : tensor<?x4x8xbf16>, tensor<?x4xf32>, tensor<8xbf16>)
// CHECK: arith.constant 8.000000e+00 : f32
// CHECK: arith.constant 9.99999997E-7 : f32
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: xfuse.
func.func @rms_norm_bf16(%x: tensor<?x4x8xbf16>, %w: tensor<8xbf16>) -> tensor<?x4x8xbf16> {
  %y = xfuse.rms_norm %x, %w : tensor<?x4x8xbf16>, tensor<8xbf16>
  return %y : tensor<?x4x8xbf16>
}

// -----

// Layer norm sums x, then the squares of x minus the row mean, then
// normalises, scales and shifts.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm_bias_f32
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<?x8xf32>)
// CHECK: %[[SS:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[SUM]] : tensor<?x8xf32>, tensor<?xf32>)
// CHECK: ^bb0(%[[XI:.*]]: f32, %[[S:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[S]], %[[D]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[XI]], %[[MEAN]] : f32
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[C]], %[[C]] : f32
// CHECK-NEXT: arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ROW]], #[[$COL]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[SUM]], %[[SS]], %[[W]], %[[B]] : tensor<?x8xf32>, tensor<?xf32>, tensor<?xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: math.sqrt
// CHECK: arith.subf
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK-NOT: xfuse.
func.func @layer_norm_bias_f32(%x: tensor<?x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = xfuse.layer_norm %x, %w bias %b : tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_bf16
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x?x16xbf16>, tensor<2x?xf32>, tensor<2x?xf32>, tensor<16xbf16>)
// CHECK: arith.constant 1.000000e-01 : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @layer_norm_bf16(%x: tensor<2x?x16xbf16>, %w: tensor<16xbf16>) -> tensor<2x?x16xbf16> {
  %y = xfuse.layer_norm %x, %w {epsilon = 0.1 : f64} : tensor<2x?x16xbf16>, tensor<16xbf16>
  return %y : tensor<2x?x16xbf16>
}

// -----

// ffn is linear, activation, linear on the flattened tokens: each step rounds
// to the element type, as its building blocks would.
// CHECK-LABEL: func.func @ffn_relu_bias_f32
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W1:.*]]: tensor<8x32xf32>, %[[B1:.*]]: tensor<32xf32>, %[[W2:.*]]: tensor<32x8xf32>, %[[B2:.*]]: tensor<8xf32>)
// CHECK: %[[MM1:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<?x8xf32>, tensor<8x32xf32>)
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[MM1]], %[[B1]] : tensor<?x32xf32>, tensor<32xf32>)
// CHECK: arith.addf
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x32xf32>)
// CHECK: arith.maximumf
// CHECK: %[[MM2:.*]] = linalg.matmul ins(%[[A]], %[[W2]] : tensor<?x32xf32>, tensor<32x8xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[MM2]], %[[B2]] : tensor<?x8xf32>, tensor<8xf32>)
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.
func.func @ffn_relu_bias_f32(%x: tensor<?x8xf32>, %w1: tensor<8x32xf32>, %b1: tensor<32xf32>,
                             %w2: tensor<32x8xf32>, %b2: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x8xf32>, tensor<8x32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// A rank-3 bf16 ffn is collapsed once, both layers read their weights
// transposed, and the hidden state is rounded to bf16 after the first layer
// and after the activation.
// CHECK-LABEL: func.func @ffn_gelu_out_in_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xbf16>, %[[W1:.*]]: tensor<32x8xbf16>, %[[W2:.*]]: tensor<8x32xbf16>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x4x8xbf16> into tensor<?x8xbf16>
// CHECK: %[[MM1:.*]] = linalg.matmul indexing_maps = [{{.*}}] ins(%[[FLAT]], %[[W1]] : tensor<?x8xbf16>, tensor<32x8xbf16>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[MM1]] : tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x32xbf16>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK: math.erf
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[MM2:.*]] = linalg.matmul indexing_maps = [{{.*}}] ins(%[[A]], %[[W2]] : tensor<?x32xbf16>, tensor<8x32xbf16>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[MM2]] : tensor<?x8xf32>) outs(%{{.*}} : tensor<?x8xbf16>)
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[OUT]] {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, 4, 8] : tensor<?x8xbf16> into tensor<?x4x8xbf16>
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.
func.func @ffn_gelu_out_in_bf16(%x: tensor<?x4x8xbf16>, %w1: tensor<32x8xbf16>, %w2: tensor<8x32xbf16>) -> tensor<?x4x8xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4x8xbf16>, tensor<32x8xbf16>, tensor<8x32xbf16>) -> tensor<?x4x8xbf16>
  return %y : tensor<?x4x8xbf16>
}

// -----

// An identity activation adds nothing between the layers.
// CHECK-LABEL: func.func @ffn_identity
// CHECK: %[[MM1:.*]] = linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul ins(%[[MM1]], %{{.*}} : tensor<4x32xf32>, tensor<32x8xf32>)
func.func @ffn_identity(%x: tensor<4x8xf32>, %w1: tensor<8x32xf32>, %w2: tensor<32x8xf32>) -> tensor<4x8xf32> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<identity>}
      : (tensor<4x8xf32>, tensor<8x32xf32>, tensor<32x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// SwiGLU: gate and up projections of the same flattened tokens, rounded to
// bf16, their gated product rounded once, then the down projection.
// CHECK-LABEL: func.func @swiglu_bias_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xbf16>, %[[WG:.*]]: tensor<8x32xbf16>, %[[BG:.*]]: tensor<32xbf16>, %[[WU:.*]]: tensor<8x32xbf16>, %[[BU:.*]]: tensor<32xbf16>, %[[WD:.*]]: tensor<32x8xbf16>, %[[BD:.*]]: tensor<8xbf16>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]]
// CHECK: %[[MMG:.*]] = linalg.matmul ins(%[[FLAT]], %[[WG]] :
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[MMG]], %[[BG]] : tensor<?x32xf32>, tensor<32xbf16>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK: %[[MMU:.*]] = linalg.matmul ins(%[[FLAT]], %[[WU]] :
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[MMU]], %[[BU]] : tensor<?x32xf32>, tensor<32xbf16>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[G]], %[[U]] : tensor<?x32xbf16>, tensor<?x32xbf16>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK: ^bb0(%[[GI:.*]]: bf16, %[[UI:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[GE:.*]] = arith.extf %[[GI]] : bf16 to f32
// CHECK-NEXT: %[[UE:.*]] = arith.extf %[[UI]] : bf16 to f32
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[GE]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[DEN:.*]] = arith.addf %{{.*}}, %[[E]] : f32
// CHECK-NEXT: %[[SILU:.*]] = arith.divf %[[GE]], %[[DEN]] : f32
// CHECK-NEXT: %[[PROD:.*]] = arith.mulf %[[SILU]], %[[UE]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[PROD]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[R]] : bf16
// CHECK: %[[MMD:.*]] = linalg.matmul ins(%[[P]], %[[WD]] : tensor<?x32xbf16>, tensor<32x8xbf16>)
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[MMD]], %[[BD]] : tensor<?x8xf32>, tensor<8xbf16>)
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[OUT]]
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.
func.func @swiglu_bias_bf16(%x: tensor<?x4x8xbf16>, %wg: tensor<8x32xbf16>, %bg: tensor<32xbf16>,
                            %wu: tensor<8x32xbf16>, %bu: tensor<32xbf16>,
                            %wd: tensor<32x8xbf16>, %bd: tensor<8xbf16>) -> tensor<?x4x8xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      : (tensor<?x4x8xbf16>, tensor<8x32xbf16>, tensor<32xbf16>, tensor<8x32xbf16>, tensor<32xbf16>,
         tensor<32x8xbf16>, tensor<8xbf16>) -> tensor<?x4x8xbf16>
  return %y : tensor<?x4x8xbf16>
}

// -----

// GeGLU with PyTorch weights: all three matmuls read their weight transposed;
// f32 needs no epilogue without biases.
// CHECK-DAG: #[[$BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @geglu_out_in_f32
// CHECK: %[[G:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #[[$BT]], #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<32x8xf32>)
// CHECK: %[[U:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #[[$BT]], #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<32x8xf32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[G]], %[[U]] : tensor<?x32xf32>, tensor<?x32xf32>)
// CHECK: math.erf
// CHECK: %[[Y:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #[[$BT]], #{{.*}}] ins(%[[P]], %{{.*}} : tensor<?x32xf32>, tensor<8x32xf32>)
// CHECK: return %[[Y]]
func.func @geglu_out_in_f32(%x: tensor<?x8xf32>, %wg: tensor<32x8xf32>, %wu: tensor<32x8xf32>,
                            %wd: tensor<8x32xf32>) -> tensor<?x8xf32> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x8xf32>, tensor<32x8xf32>, tensor<32x8xf32>, tensor<8x32xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @reglu_f16
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x32xf16>, tensor<2x32xf16>)
// CHECK: %[[A:.*]] = arith.maximumf
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %{{.*}} : f32
// CHECK-NEXT: arith.truncf %[[P]] : f32 to f16
// CHECK-NOT: xfuse.
func.func @reglu_f16(%x: tensor<2x8xf16>, %wg: tensor<8x32xf16>, %wu: tensor<8x32xf16>, %wd: tensor<32x8xf16>) -> tensor<2x8xf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {activation = #xfuse.activation<relu>}
      : (tensor<2x8xf16>, tensor<8x32xf16>, tensor<8x32xf16>, tensor<32x8xf16>) -> tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}
