// Tensor parallelism computes what the unsharded graph computes: the N
// ranks' shards are run on the CPU (--xfuse-expand-ranks: each rank's part
// of the weights, its kernels, the all-reduce as the sum of the ranks'
// partial outputs) and compared with the unsharded lowering and the float64
// reference, on fresh random inputs (the seed is printed). Against the
// unsharded lowering the bound is loose: each rank's down GEMM sums its
// part of K, rounds it to the element type, and the parts are added in
// rank order, a reassociation and N more roundings, which the norm and the
// second layer of @two_layers_f32 amplify; the float64 reference holds
// every run to the element type's tolerance.
// RUN: xfuse-reference-check --fused-max-ulps=16 --fused-pipeline="xfuse-pipeline{tensor-parallel=2},xfuse-expand-ranks,xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --fused-max-ulps=16 --fused-pipeline="xfuse-pipeline{tensor-parallel=4},xfuse-expand-ranks,xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --fused-max-ulps=16 --fused-pipeline="xfuse-pipeline{target=sm_80 tensor-parallel=2},xfuse-expand-ranks,xfuse-inline-kernels" %s | FileCheck %s
// The graph level alone, before any kernel is formed.
// RUN: xfuse-reference-check --fused-max-ulps=16 --fused-pipeline="func.func(xfuse-shard-tensor-parallel{ranks=8}),xfuse-expand-ranks" %s | FileCheck %s
// Sequence parallelism: each network's sum reduce-scattered by rows and
// all-gathered where the graph reads it whole (the residual add, the norm,
// the second layer); the returned rows of every rank concatenated. The
// token count must divide among the ranks.
// RUN: xfuse-reference-check --dynamic-size=8 --fused-max-ulps=16 --fused-pipeline="xfuse-pipeline{tensor-parallel=2 tensor-parallel-collective=reduce-scatter},xfuse-expand-ranks,xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --dynamic-size=8 --fused-max-ulps=16 --fused-pipeline="xfuse-pipeline{target=sm_80 tensor-parallel=4 tensor-parallel-collective=reduce-scatter},xfuse-expand-ranks,xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --dynamic-size=8 --fused-max-ulps=16 --fused-pipeline="func.func(xfuse-shard-tensor-parallel{ranks=8 collective=reduce-scatter}),xfuse-expand-ranks" %s | FileCheck %s

// The second bias is added once (rank 0's), the residual after the sum.
// CHECK: PASS @ffn_relu_residual (bf16, 1 result, {{.*}}fused vs unfused
func.func @ffn_relu_residual(%x: tensor<?x64xbf16>, %w1: tensor<64x256xbf16>, %b1: tensor<256xbf16>,
                             %w2: tensor<256x64xbf16>, %b2: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256xbf16>, tensor<256x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  %r = xfuse.add %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// PyTorch's layout, biases on every projection, batch x sequence tokens.
// CHECK: PASS @swiglu_out_in_biases (f16, 1 result, {{.*}}fused vs unfused
func.func @swiglu_out_in_biases(%x: tensor<?x4x64xf16>, %wg: tensor<128x64xf16>, %bg: tensor<128xf16>,
                                %wu: tensor<128x64xf16>, %bu: tensor<128xf16>,
                                %wd: tensor<64x128xf16>, %bd: tensor<64xf16>) -> tensor<?x4x64xf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4x64xf16>, tensor<128x64xf16>, tensor<128xf16>, tensor<128x64xf16>, tensor<128xf16>, tensor<64x128xf16>, tensor<64xf16>) -> tensor<?x4x64xf16>
  return %y : tensor<?x4x64xf16>
}

// Two sharded layers in a row, a norm between them, in f32: each layer has
// its own all-reduce and the norm runs replicated on the sum.
// CHECK: PASS @two_layers_f32 (f32, 1 result, {{.*}}fused vs unfused
func.func @two_layers_f32(%x: tensor<?x32xf32>, %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>,
                          %g: tensor<32xf32>, %wg: tensor<32x64xf32>, %wu: tensor<32x64xf32>,
                          %wd: tensor<64x32xf32>) -> tensor<?x32xf32> {
  %h = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<?x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<?x32xf32>
  %n = xfuse.rms_norm %h, %g : tensor<?x32xf32>, tensor<32xf32>
  %y = xfuse.gated_ffn %n, %wg, %wu, %wd {activation = #xfuse.activation<gelu>}
      : (tensor<?x32xf32>, tensor<32x64xf32>, tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
