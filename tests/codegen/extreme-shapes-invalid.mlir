// RUN: xfuse-translate --emit-cuda -split-input-file -verify-diagnostics %s

// Kernel IR written by hand reaches the emitter without --xfuse-pipeline's
// checks: static sizes whose bytes overflow int64 are an error there too.
func.func @bytes_overflow(%x: tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<() -> (0)>>} {
  %y = xkernel.pointwise(%x : tensor<4294967296x4294967296xf32>) plan <target = sm_90a, threads = 256, vector_width = 4> -> tensor<4294967296x4294967296xf32> {
  ^bb0(%a: tensor<4294967296x4294967296xf32>):
    // expected-error @+1 {{cannot emit 'xfuse.activation' with a value of type 'tensor<4294967296x4294967296xf32>', whose static sizes alone make more than 2^63 - 1 bytes}}
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<4294967296x4294967296xf32>
    xkernel.yield %0 : tensor<4294967296x4294967296xf32>
  }
  return %y : tensor<4294967296x4294967296xf32>
}

// -----

// Frequency tables are printed into the source: an encoding wider than 2^17
// features would make a .cu too large to compile.
func.func @wide_encoding(%x: tensor<1x1x262144xf32>) -> tensor<1x1x262144xf32>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<() -> (0)>>} {
  %y = xkernel.pointwise(%x : tensor<1x1x262144xf32>) plan <target = sm_90a, threads = 256, vector_width = 4> -> tensor<1x1x262144xf32> {
  ^bb0(%a: tensor<1x1x262144xf32>):
    // expected-error @+1 {{cannot emit a table of 131072 frequencies: the emitter prints at most 65536}}
    %0 = xfuse.sinusoidal_pe %a : tensor<1x1x262144xf32>
    xkernel.yield %0 : tensor<1x1x262144xf32>
  }
  return %y : tensor<1x1x262144xf32>
}

// -----

// Elements without a bit width are rejected by type, not measured.
// expected-error @+1 {{cannot emit argument 0 of @index_elements: expected a ranked tensor of f32, f16, bf16, i32 or i64 but got 'tensor<4xindex>'}}
func.func @index_elements(%x: tensor<4xindex>) -> tensor<4xindex>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<() -> (0)>>} {
  return %x : tensor<4xindex>
}
