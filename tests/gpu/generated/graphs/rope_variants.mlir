// RoPE outside GEMM epilogues, in bf16 over [batch, 16, 4, 64] heads.

// Dynamic NTK scaling: the base follows the call's largest position,
// reduced on the device before the rotation.
func.func @ntk_rope(%x: tensor<?x16x4x64xbf16>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xbf16> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 4096>}
      : tensor<?x16x4x64xbf16>, tensor<?x16xi64>
  return %y : tensor<?x16x4x64xbf16>
}

// Dynamic NTK without positions: L is the sequence length (16), within
// the training context, so the base stays theta.
func.func @ntk_rope_seq(%x: tensor<?x16x4x64xbf16>) -> tensor<?x16x4x64xbf16> {
  %y = xfuse.rope %x
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 4.0, original_max_position = 8>}
      : tensor<?x16x4x64xbf16>
  return %y : tensor<?x16x4x64xbf16>
}

// GPT-J pairing with a partial rotary dimension.
func.func @gptj_partial(%x: tensor<?x16x4x64xbf16>, %pos: tensor<?x16xi32>)
    -> tensor<?x16x4x64xbf16> {
  %y = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, rotary_dim = 32 : i64}
      : tensor<?x16x4x64xbf16>, tensor<?x16xi32>
  return %y : tensor<?x16x4x64xbf16>
}

// QK norm: an RMS norm over each head, then neox partial RoPE, then an
// activation: two kernels, since the norm works on rows of one head and
// the RoPE on tokens of all four.
func.func @qk_norm_rope(%x: tensor<?x16x4x64xbf16>, %w: tensor<64xbf16>,
                        %pos: tensor<?x16xi64>) -> tensor<?x16x4x64xbf16> {
  %n = xfuse.rms_norm %x, %w : tensor<?x16x4x64xbf16>, tensor<64xbf16>
  %r = xfuse.rope %n positions %pos {rotary_dim = 48 : i64}
      : tensor<?x16x4x64xbf16>, tensor<?x16xi64>
  %y = xfuse.activation %r {kind = #xfuse.activation<silu>} : tensor<?x16x4x64xbf16>
  return %y : tensor<?x16x4x64xbf16>
}

// A projection followed by a dynamic-NTK RoPE: the base follows the
// call's largest position.
func.func @ntk_q_rope(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
                      %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 512>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}
