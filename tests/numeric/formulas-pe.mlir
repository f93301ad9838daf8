// Additive positional encodings in f32 at 1e-5: every sinusoidal layout with
// its scale and base, by sequence index and by explicit positions (odd d
// for fairseq), and learned tables; each feeding a projection or added to
// one, as in encoder inputs. Positions stay below 512, where f32 angles are
// good to 1e-5. Each function runs unfused and after the whole pipeline for
// both targets, and every one fails against a perturbed reference.
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: not xfuse-reference-check --max-position=512 --seed=1 --perturb-reference %s | FileCheck %s --check-prefix=PERTURBED --implicit-check-not=PASS
// PERTURBED: FAIL @interleaved

// The original Transformer's layout: sin at 2i, cos at 2i + 1.
// CHECK-LABEL: PASS @interleaved (f32, 2 results,
func.func @interleaved(%x: tensor<2x16x32xf32>, %pos: tensor<2x16xi32>, %w: tensor<32x32xf32>)
    -> (tensor<2x16x32xf32>, tensor<2x16x32xf32>) {
  %a = xfuse.sinusoidal_pe %x {scale = 5.656854249492381 : f64} : tensor<2x16x32xf32>
  %b = xfuse.sinusoidal_pe %x positions %pos {base = 500.0 : f64}
      : tensor<2x16x32xf32>, tensor<2x16xi32>
  %y = xfuse.linear %b, %w : (tensor<2x16x32xf32>, tensor<32x32xf32>) -> tensor<2x16x32xf32>
  return %a, %y : tensor<2x16x32xf32>, tensor<2x16x32xf32>
}

// Marian's half layout: all sines, then all cosines.
// CHECK-LABEL: PASS @half (f32, 2 results,
func.func @half(%x: tensor<16x64xf32>, %pos: tensor<16xi64>, %w: tensor<64x32xf32>)
    -> (tensor<16x64xf32>, tensor<16x32xf32>) {
  %a = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<half>, base = 2000.0 : f64}
      : tensor<16x64xf32>
  %b = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<half>, scale = 8.0 : f64}
      : tensor<16x64xf32>, tensor<16xi64>
  %y = xfuse.linear %b, %w : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  return %a, %y : tensor<16x64xf32>, tensor<16x32xf32>
}

// fairseq / tensor2tensor: base^(-i / (d/2 - 1)), and for an odd d a last
// feature without encoding.
// CHECK-LABEL: PASS @fairseq (f32, 2 results,
func.func @fairseq(%x: tensor<2x8x33xf32>, %pos: tensor<2x8xi64>, %e: tensor<8x32xf32>,
                   %w: tensor<32x32xf32>)
    -> (tensor<2x8x33xf32>, tensor<8x32xf32>) {
  %a = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<fairseq>, scale = 3.0 : f64, base = 1000.0 : f64}
      : tensor<2x8x33xf32>, tensor<2x8xi64>
  %b = xfuse.sinusoidal_pe %e {layout = #xfuse.pe_layout<fairseq>} : tensor<8x32xf32>
  %y = xfuse.linear %b, %w : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  return %a, %y : tensor<2x8x33xf32>, tensor<8x32xf32>
}

// Learned tables, by sequence index and by positions, and a projection of
// the sum added to a learned encoding.
// CHECK-LABEL: PASS @learned (f32, 2 results,
func.func @learned(%x: tensor<2x8x32xf32>, %table: tensor<16x32xf32>, %pos: tensor<2x8xi32>,
                   %w: tensor<32x32xf32>)
    -> (tensor<2x8x32xf32>, tensor<2x8x32xf32>) {
  %a = xfuse.learned_pe %x, %table : tensor<2x8x32xf32>, tensor<16x32xf32>
  %b = xfuse.learned_pe %x, %table positions %pos
      : tensor<2x8x32xf32>, tensor<16x32xf32>, tensor<2x8xi32>
  %y = xfuse.linear %b, %w : (tensor<2x8x32xf32>, tensor<32x32xf32>) -> tensor<2x8x32xf32>
  %r = xfuse.add %y, %a : tensor<2x8x32xf32>, tensor<2x8x32xf32>
  return %a, %r : tensor<2x8x32xf32>, tensor<2x8x32xf32>
}
