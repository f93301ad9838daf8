// Pointwise kernels in bf16, one function per fused pattern that
// --xfuse-form-kernels produces without a GEMM: lone ops and chains that
// end in or start from a norm. Run by tests/gpu/generated/GeneratedTest.cu.

// Each activation as its own kernel (x has five users, so none fuse).
func.func @every_activation(%x: tensor<?x256xbf16>)
    -> (tensor<?x256xbf16>, tensor<?x256xbf16>, tensor<?x256xbf16>,
        tensor<?x256xbf16>, tensor<?x256xbf16>) {
  %relu = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x256xbf16>
  %gelu = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<?x256xbf16>
  %tanh = xfuse.activation %x {kind = #xfuse.activation<gelu_tanh>} : tensor<?x256xbf16>
  %silu = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<?x256xbf16>
  %id = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<?x256xbf16>
  return %relu, %gelu, %tanh, %silu, %id
      : tensor<?x256xbf16>, tensor<?x256xbf16>, tensor<?x256xbf16>,
        tensor<?x256xbf16>, tensor<?x256xbf16>
}

// Two adds broadcasting a [seq, d] and a [d] operand over the batch.
func.func @add_broadcast(%x: tensor<?x8x256xbf16>, %s: tensor<8x256xbf16>,
                         %b: tensor<256xbf16>) -> tensor<?x8x256xbf16> {
  %a = xfuse.add %x, %s : tensor<?x8x256xbf16>, tensor<8x256xbf16>
  %y = xfuse.add %a, %b : tensor<?x8x256xbf16>, tensor<256xbf16>
  return %y : tensor<?x8x256xbf16>
}

// A gate whose operands are not GEMM results: a pointwise kernel; the
// chain continues from `up`.
func.func @gate_up_chain(%g: tensor<?x256xbf16>, %u: tensor<?x256xbf16>,
                         %r: tensor<?x256xbf16>) -> tensor<?x256xbf16> {
  %u2 = xfuse.activation %u {kind = #xfuse.activation<relu>} : tensor<?x256xbf16>
  %h = xfuse.gate %g, %u2 {activation = #xfuse.activation<gelu_tanh>} : tensor<?x256xbf16>
  %y = xfuse.add %r, %h : tensor<?x256xbf16>, tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// Learned PE, then an activation, then a layer norm with bias: one block
// per row.
func.func @learned_gelu_layernorm(%x: tensor<?x16x256xbf16>,
                                  %table: tensor<64x256xbf16>,
                                  %pos: tensor<?x16xi32>,
                                  %w: tensor<256xbf16>, %b: tensor<256xbf16>)
    -> tensor<?x16x256xbf16> {
  %pe = xfuse.learned_pe %x, %table positions %pos
      : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>
  %a = xfuse.activation %pe {kind = #xfuse.activation<gelu>} : tensor<?x16x256xbf16>
  %n = xfuse.layer_norm %a, %w bias %b {epsilon = 1.0e-5 : f64}
      : tensor<?x16x256xbf16>, tensor<256xbf16>, tensor<256xbf16>
  return %n : tensor<?x16x256xbf16>
}

// Residual add, RMS norm, then elementwise ops after the norm.
func.func @add_rmsnorm_silu(%x: tensor<?x256xbf16>, %r: tensor<?x256xbf16>,
                            %w: tensor<256xbf16>, %b: tensor<256xbf16>)
    -> tensor<?x256xbf16> {
  %a = xfuse.add %x, %r : tensor<?x256xbf16>, tensor<?x256xbf16>
  %n = xfuse.rms_norm %a, %w : tensor<?x256xbf16>, tensor<256xbf16>
  %s = xfuse.activation %n {kind = #xfuse.activation<silu>} : tensor<?x256xbf16>
  %y = xfuse.add %s, %b : tensor<?x256xbf16>, tensor<256xbf16>
  return %y : tensor<?x256xbf16>
}

// Half-layout sinusoidal encoding (vectors stop at the sin/cos halves)
// into a layer norm without bias, over an odd-sized row of 1000 features.
func.func @sinusoidal_layernorm(%x: tensor<?x4x1000xbf16>, %w: tensor<1000xbf16>)
    -> tensor<?x4x1000xbf16> {
  %pe = xfuse.sinusoidal_pe %x {scale = 2.0 : f64, layout = #xfuse.pe_layout<half>}
      : tensor<?x4x1000xbf16>
  %n = xfuse.layer_norm %pe, %w : tensor<?x4x1000xbf16>, tensor<1000xbf16>
  return %n : tensor<?x4x1000xbf16>
}
