// RUN: xfuse-opt %s --xfuse-plan-memory | FileCheck %s

// Maps are printed as aliases at the top of the output.
// CHECK-DAG: #[[ZERO:.*]] = affine_map<()[s0] -> (0)>
// CHECK-DAG: #[[SECOND:.*]] = affine_map<()[s0] -> (s0 * 2048)>
// CHECK-DAG: #[[TOTAL:.*]] = affine_map<()[s0] -> (s0 * 4096)>
// CHECK-DAG: #[[ALIGNED:.*]] = affine_map<()[s0] -> (((s0 * 1376) ceildiv 256) * 256)>
// CHECK-DAG: #[[ALIGNED_TOTAL:.*]] = affine_map<()[s0] -> (((s0 * 1376) ceildiv 256) * 512)>
// CHECK-DAG: #[[VIEW_SECOND:.*]] = affine_map<()[s0, s1, s2] -> ((s0 * s1) * 512)>
// CHECK-DAG: #[[VIEW_STATIC:.*]] = affine_map<()[s0, s1, s2] -> ((s0 * s1) * 1024)>
// CHECK-DAG: #[[VIEW_TOTAL:.*]] = affine_map<()[s0, s1, s2] -> ((s0 * s1) * 1024 + 256)>

// Lifetimes a: k0-k1, h: k1-k2, g: k2-k3, y: k3-k4. g reuses a's buffer,
// grown from 512 to 2048 bytes per token; y reuses h's. The returned result
// lives in the caller's buffer.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #[[TOTAL]]>}
// CHECK: xkernel.pointwise{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #[[ZERO]]>]}
// CHECK: xkernel.gemm{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #[[SECOND]]>]}
// CHECK: xkernel.pointwise{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #[[ZERO]]>]}
// CHECK: xkernel.gemm{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #[[SECOND]]>]}
// CHECK: xkernel.pointwise
// CHECK-NOT: xkernel.workspace_slices
// CHECK: return
func.func @chain(%x: tensor<?x256xbf16>, %nw: tensor<256xbf16>, %w1: tensor<256x1024xbf16>, %w2: tensor<1024x256xbf16>)
    -> tensor<?x256xbf16> {
  %a = xkernel.pointwise(%x, %nw : tensor<?x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16> {
  ^bb0(%0: tensor<?x256xbf16>, %1: tensor<256xbf16>):
    %2 = xfuse.rms_norm %0, %1 : tensor<?x256xbf16>, tensor<256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  %h = xkernel.gemm(%a, %w1 : tensor<?x256xbf16>, tensor<256x1024xbf16>) -> tensor<?x1024xbf16> {
  ^bb0(%0: tensor<?x256xbf16>, %1: tensor<256x1024xbf16>):
    %2 = xfuse.linear %0, %1 : (tensor<?x256xbf16>, tensor<256x1024xbf16>) -> tensor<?x1024xbf16>
    xkernel.yield %2 : tensor<?x1024xbf16>
  }
  %g = xkernel.pointwise(%h : tensor<?x1024xbf16>) -> tensor<?x1024xbf16> {
  ^bb0(%0: tensor<?x1024xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<?x1024xbf16>
    xkernel.yield %1 : tensor<?x1024xbf16>
  }
  %y = xkernel.gemm(%g, %w2 : tensor<?x1024xbf16>, tensor<1024x256xbf16>) -> tensor<?x256xbf16> {
  ^bb0(%0: tensor<?x1024xbf16>, %1: tensor<1024x256xbf16>):
    %2 = xfuse.linear %0, %1 : (tensor<?x1024xbf16>, tensor<1024x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  %out = xkernel.pointwise(%y, %x : tensor<?x256xbf16>, tensor<?x256xbf16>) -> tensor<?x256xbf16> {
  ^bb0(%0: tensor<?x256xbf16>, %1: tensor<?x256xbf16>):
    %2 = xfuse.add %0, %1 : tensor<?x256xbf16>, tensor<?x256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  return %out : tensor<?x256xbf16>
}

// Each buffer starts 256-byte aligned whatever the token count: 688 bf16
// per token (1376 bytes) is rounded up as a whole. The first kernel's second
// result is returned and gets no slice; a result nobody reads still needs
// room while its kernel writes it, and cannot take the place of the input
// that kernel reads.
// CHECK-LABEL: func.func @aligned
// CHECK-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #[[ALIGNED_TOTAL]]>}
// CHECK: xkernel.pointwise{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #[[ZERO]]>]}
// CHECK: xkernel.pointwise{{.*}}{xkernel.workspace_slices = [#xkernel.workspace_slice<result = 1, offset = #[[ALIGNED]]>]}
func.func @aligned(%x: tensor<?x688xbf16>) -> (tensor<?x688xbf16>, tensor<?x688xbf16>) {
  %a, %b = xkernel.pointwise(%x : tensor<?x688xbf16>) -> tensor<?x688xbf16>, tensor<?x688xbf16> {
  ^bb0(%0: tensor<?x688xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x688xbf16>
    %2 = xfuse.activation %1 {kind = #xfuse.activation<silu>} : tensor<?x688xbf16>
    xkernel.yield %1, %2 : tensor<?x688xbf16>, tensor<?x688xbf16>
  }
  %c, %d = xkernel.pointwise(%a : tensor<?x688xbf16>) -> tensor<?x688xbf16>, tensor<?x688xbf16> {
  ^bb0(%0: tensor<?x688xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<?x688xbf16>
    %2 = xfuse.activation %1 {kind = #xfuse.activation<silu>} : tensor<?x688xbf16>
    xkernel.yield %1, %2 : tensor<?x688xbf16>, tensor<?x688xbf16>
  }
  return %b, %c : tensor<?x688xbf16>, tensor<?x688xbf16>
}

// Sizes are products of the dynamic sizes they come from, traced through
// kernels, xfuse ops and reshapes that keep a dimension whole; symbols
// number the arguments' dynamic dimensions in order (s0, s1 of %x, s2 of
// %pos). A reshape is a view of its source, which stays live as long as the
// view is read. Static sizes are constants.
// CHECK-LABEL: func.func @views
// CHECK-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #[[VIEW_TOTAL]]>}
// CHECK: xkernel.pointwise{{.*}}offset = #{{.*}}>]}
// CHECK: xkernel.pointwise{{.*}}offset = #[[VIEW_SECOND]]>]}
// CHECK: xkernel.pointwise{{.*}}offset = #[[VIEW_STATIC]]>]}
func.func @views(%x: tensor<?x?x256xbf16>, %pos: tensor<?x8xi32>, %small: tensor<2x16xbf16>)
    -> (tensor<?x?x4x64xbf16>, tensor<2x16xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x?x256xbf16>
  %s = tensor.dim %x, %c1 : tensor<?x?x256xbf16>
  %e = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%n, %s, 4, 64] : tensor<?x?x256xbf16> into tensor<?x?x4x64xbf16>
  %r = xkernel.pointwise(%e : tensor<?x?x4x64xbf16>) -> tensor<?x?x4x64xbf16> {
  ^bb0(%0: tensor<?x?x4x64xbf16>):
    %1 = xfuse.rope %0 : tensor<?x?x4x64xbf16>
    xkernel.yield %1 : tensor<?x?x4x64xbf16>
  }
  %f = tensor.collapse_shape %r [[0], [1], [2, 3]] : tensor<?x?x4x64xbf16> into tensor<?x?x256xbf16>
  %q = xkernel.pointwise(%f : tensor<?x?x256xbf16>) -> tensor<?x?x256xbf16> {
  ^bb0(%0: tensor<?x?x256xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x?x256xbf16>
    xkernel.yield %1 : tensor<?x?x256xbf16>
  }
  %v = xkernel.pointwise(%small : tensor<2x16xbf16>) -> tensor<2x16xbf16> {
  ^bb0(%0: tensor<2x16xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<2x16xbf16>
    xkernel.yield %1 : tensor<2x16xbf16>
  }
  %t = tensor.expand_shape %q [[0], [1], [2, 3]] output_shape [%n, %s, 4, 64] : tensor<?x?x256xbf16> into tensor<?x?x4x64xbf16>
  %u = xkernel.pointwise(%t : tensor<?x?x4x64xbf16>) -> tensor<?x?x4x64xbf16> {
  ^bb0(%0: tensor<?x?x4x64xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x?x4x64xbf16>
    xkernel.yield %1 : tensor<?x?x4x64xbf16>
  }
  %w = xkernel.pointwise(%v : tensor<2x16xbf16>) -> tensor<2x16xbf16> {
  ^bb0(%0: tensor<2x16xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<2x16xbf16>
    xkernel.yield %1 : tensor<2x16xbf16>
  }
  return %u, %w : tensor<?x?x4x64xbf16>, tensor<2x16xbf16>
}
