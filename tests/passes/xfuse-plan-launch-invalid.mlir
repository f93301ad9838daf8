// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-plan-launch
// RUN: not xfuse-opt %s -split-input-file --xfuse-plan-launch="target=sm_75" 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: for the --target option: Cannot find option named 'sm_75'!

func.func @unaligned_rows(%x: tensor<?x100xbf16>, %w: tensor<100x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x100xbf16>, tensor<100x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x100xbf16>, %b: tensor<100x64xbf16>):
    // expected-error @+1 {{has 100 input features, whose rows of 200 bytes are not the multiple of 16 bytes that GEMM tile loads need; pad them to a multiple of 8}}
    %0 = xfuse.linear %a, %b : (tensor<?x100xbf16>, tensor<100x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @unaligned_output(%x: tensor<?x64xbf16>, %w: tensor<44x64xbf16>) -> tensor<?x44xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<44x64xbf16>) -> tensor<?x44xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<44x64xbf16>):
    // expected-error @+1 {{has 44 output features, whose rows of 88 bytes}}
    %0 = xfuse.linear %a, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<44x64xbf16>) -> tensor<?x44xbf16>
    xkernel.yield %0 : tensor<?x44xbf16>
  }
  return %y : tensor<?x44xbf16>
}

// -----

// The f32 (SIMT) GEMM reads rows of any length, but its epilogue stores
// column pairs (extreme-shapes.mlir plans an even n).
func.func @odd_f32(%x: tensor<?x6xf32>, %w: tensor<6x5xf32>) -> tensor<?x5xf32> {
  %y = xkernel.gemm(%x, %w : tensor<?x6xf32>, tensor<6x5xf32>) -> tensor<?x5xf32> {
  ^bb0(%a: tensor<?x6xf32>, %b: tensor<6x5xf32>):
    // expected-error @+1 {{has 5 output and 6 input features, which no GEMM block of this target runs: the SIMT epilogue takes column pairs: n must be even}}
    %0 = xfuse.linear %a, %b : (tensor<?x6xf32>, tensor<6x5xf32>) -> tensor<?x5xf32>
    xkernel.yield %0 : tensor<?x5xf32>
  }
  return %y : tensor<?x5xf32>
}

// -----

// A hand-written body may put in a GEMM a RoPE that no plan's epilogue
// runs; --xfuse-form-kernels would have left it out. Heads of 80: no
// Hopper tile (64 to 256 columns, by 64) holds them whole.
func.func @rope_heads_80(%x: tensor<?x2560xbf16>, %w: tensor<2560x2560xbf16>) -> tensor<?x32x80xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x2560xbf16>, tensor<2560x2560xbf16>) -> tensor<?x32x80xbf16> {
  ^bb0(%a: tensor<?x2560xbf16>, %b: tensor<2560x2560xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %b : (tensor<?x2560xbf16>, tensor<2560x2560xbf16>) -> tensor<?x2560xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x2560xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 32, 80] : tensor<?x2560xbf16> into tensor<?x32x80xbf16>
    // expected-error @+1 {{rotates heads of 80 features, which no GEMM epilogue of this target runs; --xfuse-form-kernels leaves such a RoPE out of the GEMM}}
    %2 = xfuse.rope %1 {rotary_dim = 32 : i64} : tensor<?x32x80xbf16>
    xkernel.yield %2 : tensor<?x32x80xbf16>
  }
  return %y : tensor<?x32x80xbf16>
}

// -----

func.func @prologue(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{cannot run as the prologue of a GEMM: no GEMM main loop applies one to its A tile, and it cannot be folded into the weight: the sequence length (the input's dimension -2) must be static: the table holds one row per position}}
    %pe = xfuse.sinusoidal_pe %a : tensor<?x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// Foldable, but its table of 2048 x 8192 bf16 would not stay in L2.
func.func @fold_too_large(%x: tensor<?x2048x256xbf16>, %w: tensor<256x8192xbf16>) -> tensor<?x2048x8192xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x2048x256xbf16>, tensor<256x8192xbf16>) -> tensor<?x2048x8192xbf16> {
  ^bb0(%a: tensor<?x2048x256xbf16>, %b: tensor<256x8192xbf16>):
    // expected-error @+1 {{cannot be folded into the weight of its GEMM on this target: no plan adds its table of 2048 positions where that pays; --xfuse-form-kernels keeps such an encoding out of the GEMM}}
    %pe = xfuse.sinusoidal_pe %a : tensor<?x2048x256xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x2048x256xbf16>, tensor<256x8192xbf16>) -> tensor<?x2048x8192xbf16>
    xkernel.yield %0 : tensor<?x2048x8192xbf16>
  }
  return %y : tensor<?x2048x8192xbf16>
}

// -----

func.func @pinned_other_target(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has a pinned plan for sm_80, but the target is sm_90a}}
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>)
      plan #xkernel.pointwise_plan<target = sm_80, threads = 128, vector_width = 8>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// Every kernel is checked, so one run reports every error.
func.func @two_errors(%x: tensor<?x60xbf16>, %w: tensor<60x64xbf16>) -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %y = xkernel.gemm(%x, %w : tensor<?x60xbf16>, tensor<60x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x60xbf16>, %b: tensor<60x64xbf16>):
    // expected-error @+1 {{has 60 input features}}
    %0 = xfuse.linear %a, %b : (tensor<?x60xbf16>, tensor<60x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  %z = xkernel.gemm(%x, %w : tensor<?x60xbf16>, tensor<60x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x60xbf16>, %b: tensor<60x64xbf16>):
    // expected-error @+1 {{has 60 input features}}
    %0 = xfuse.linear %a, %b : (tensor<?x60xbf16>, tensor<60x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y, %z : tensor<?x64xbf16>, tensor<?x64xbf16>
}
