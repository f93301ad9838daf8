// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline="target=sm_90a"
// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline="target=sm_80"

// Static sizes whose bytes overflow int64: a located error, not a plan
// with wrapped sizes.
func.func @bytes_overflow(%x: tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  // expected-error @+1 {{'xkernel.pointwise' op reads or writes 'tensor<4294967296x4294967296xf32>', whose static sizes alone make more than 2^63 - 1 bytes: no launch addresses it}}
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<4294967296x4294967296xf32>
  return %0 : tensor<4294967296x4294967296xf32>
}

// -----

// Element counts past 2^31 are fine for elementwise ops, whatever the row.
func.func @rows_past_int(%x: tensor<2x4294967296xbf16>, %w: tensor<4294967296xbf16>) -> tensor<2x4294967296xbf16> {
  // expected-error @+1 {{'xfuse.rms_norm' op works on rows of 4294967296 elements, more than the 2147483647 a pointwise kernel's row holds}}
  %0 = xfuse.rms_norm %x, %w : tensor<2x4294967296xbf16>, tensor<4294967296xbf16>
  return %0 : tensor<2x4294967296xbf16>
}

// -----

func.func @gemm_rows_past_int(%x: tensor<2147483648x8xbf16>, %w: tensor<8x8xbf16>) -> tensor<2147483648x8xbf16> {
  // expected-error @+1 {{'xfuse.linear' op has 2147483648 rows, more than the 2147483647 that the GEMM blocks count in an int}}
  %0 = xfuse.linear %x, %w : (tensor<2147483648x8xbf16>, tensor<8x8xbf16>) -> tensor<2147483648x8xbf16>
  return %0 : tensor<2147483648x8xbf16>
}

// -----

func.func @gemm_features_past_int(%x: tensor<1x2147483648xbf16>, %w: tensor<2147483648x8xbf16>) -> tensor<1x8xbf16> {
  // expected-error @+1 {{'xfuse.linear' op has 2147483648 input features, more than the 2147483647 that the GEMM blocks count in an int}}
  %0 = xfuse.linear %x, %w : (tensor<1x2147483648xbf16>, tensor<2147483648x8xbf16>) -> tensor<1x8xbf16>
  return %0 : tensor<1x8xbf16>
}
