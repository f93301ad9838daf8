// Graphs of real models that the pipeline once rejected or emitted in more
// launches than its plan showed: each must compile, emit one launch per
// kernel and match the float64 reference.

// Phi-2: heads of 80 with a partial rotary dimension of 32 (neox). No
// Hopper tile holds whole heads of 80 beside its wgmma layout, so the RoPE
// may run as its own kernel; the plan says which.
func.func @phi_q_rope(%x: tensor<?x640xbf16>, %wq: tensor<640x640xbf16>,
                      %pos: tensor<?xi64>) -> tensor<?x8x80xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x640xbf16>, tensor<640x640xbf16>) -> tensor<?x640xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x640xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 8, 80]
      : tensor<?x640xbf16> into tensor<?x8x80xbf16>
  %r = xfuse.rope %h positions %pos {rotary_dim = 32 : i64}
      : tensor<?x8x80xbf16>, tensor<?xi64>
  return %r : tensor<?x8x80xbf16>
}

// GPT-NeoX-20B-sized heads of 96 (fully rotated here), neox.
func.func @neox_q_rope(%x: tensor<?x384xbf16>, %wq: tensor<384x384xbf16>,
                       %pos: tensor<?xi64>) -> tensor<?x4x96xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x384xbf16>, tensor<384x384xbf16>) -> tensor<?x384xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x384xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 96]
      : tensor<?x384xbf16> into tensor<?x4x96xbf16>
  %r = xfuse.rope %h positions %pos {theta = 10000.0 : f64}
      : tensor<?x4x96xbf16>, tensor<?xi64>
  return %r : tensor<?x4x96xbf16>
}

// Heads of 192, GPT-J pairing, YaRN scaling (attention factor != 1).
func.func @wide_head_rope(%x: tensor<?x384xbf16>, %wq: tensor<384x384xbf16>,
                          %pos: tensor<?xi64>) -> tensor<?x2x192xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x384xbf16>, tensor<384x384xbf16>) -> tensor<?x384xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x384xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 192]
      : tensor<?x384xbf16> into tensor<?x2x192xbf16>
  %r = xfuse.rope %h positions %pos
      {style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 256>}
      : tensor<?x2x192xbf16>, tensor<?xi64>
  return %r : tensor<?x2x192xbf16>
}

// Decode steps: static token counts of 1, 16 and 64, q-projection + RoPE
// with heads of 128 (Llama).
func.func @decode1_q_rope(%x: tensor<1x1024xbf16>, %wq: tensor<1024x1024xbf16>,
                          %pos: tensor<1xi64>) -> tensor<1x8x128xbf16> {
  %q = xfuse.linear %x, %wq {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<1x1024xbf16>, tensor<1024x1024xbf16>) -> tensor<1x1024xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [1, 8, 128]
      : tensor<1x1024xbf16> into tensor<1x8x128xbf16>
  %r = xfuse.rope %h positions %pos {theta = 500000.0 : f64}
      : tensor<1x8x128xbf16>, tensor<1xi64>
  return %r : tensor<1x8x128xbf16>
}

func.func @decode16_q_rope(%x: tensor<16x1024xbf16>, %wq: tensor<1024x1024xbf16>,
                           %pos: tensor<16xi64>) -> tensor<16x8x128xbf16> {
  %q = xfuse.linear %x, %wq {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x1024xbf16>, tensor<1024x1024xbf16>) -> tensor<16x1024xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [16, 8, 128]
      : tensor<16x1024xbf16> into tensor<16x8x128xbf16>
  %r = xfuse.rope %h positions %pos {theta = 500000.0 : f64}
      : tensor<16x8x128xbf16>, tensor<16xi64>
  return %r : tensor<16x8x128xbf16>
}

func.func @decode64_q_rope(%x: tensor<64x1024xbf16>, %wq: tensor<1024x1024xbf16>,
                           %pos: tensor<64xi64>) -> tensor<64x8x128xbf16> {
  %q = xfuse.linear %x, %wq {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<64x1024xbf16>, tensor<1024x1024xbf16>) -> tensor<64x1024xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [64, 8, 128]
      : tensor<64x1024xbf16> into tensor<64x8x128xbf16>
  %r = xfuse.rope %h positions %pos {theta = 500000.0 : f64}
      : tensor<64x8x128xbf16>, tensor<64xi64>
  return %r : tensor<64x8x128xbf16>
}

// A standalone RoPE on [T, H*D]: the reshape into heads belongs to no GEMM.
func.func @reshape_rope_static(%x: tensor<7x256xbf16>, %pos: tensor<7xi32>)
    -> tensor<7x4x64xbf16> {
  %h = tensor.expand_shape %x [[0], [1, 2]] output_shape [7, 4, 64]
      : tensor<7x256xbf16> into tensor<7x4x64xbf16>
  %r = xfuse.rope %h positions %pos : tensor<7x4x64xbf16>, tensor<7xi32>
  return %r : tensor<7x4x64xbf16>
}

func.func @reshape_rope_dynamic(%x: tensor<?x256xbf16>, %pos: tensor<?xi64>)
    -> tensor<?x4x64xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %x [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

// The projection is returned too, so the RoPE cannot overwrite it in the
// GEMM's epilogue.
func.func @q_and_rotated(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
                         %pos: tensor<?xi64>)
    -> (tensor<?x256xbf16>, tensor<?x4x64xbf16>) {
  %q = xfuse.linear %x, %wq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos : tensor<?x4x64xbf16>, tensor<?xi64>
  return %q, %r : tensor<?x256xbf16>, tensor<?x4x64xbf16>
}

// An f32 FFN: f32 accuracy on the GPU (no tf32).
func.func @ffn_f32(%x: tensor<?x96xf32>, %w1: tensor<96x200xf32>,
                   %b1: tensor<200xf32>, %w2: tensor<200x96xf32>,
                   %b2: tensor<96xf32>) -> tensor<?x96xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x96xf32>, tensor<96x200xf32>, tensor<200xf32>,
         tensor<200x96xf32>, tensor<96xf32>) -> tensor<?x96xf32>
  return %y : tensor<?x96xf32>
}

// BERT's input block in small: a sinusoidal encoding of implicit positions
// (128-token sequences, scale 1) feeding a ReLU FFN with nn.Linear weights.
// On sm_90a the first GEMM folds the encoding into its weight
// (prologue = folded): the weight's pack helper makes PE . W1^T for 128
// positions and no encoding kernel runs; on sm_80 the encoding is a
// pointwise kernel.
func.func @folded_pe_ffn(%x: tensor<?x128x256xbf16>, %w1: tensor<512x256xbf16>,
                         %b1: tensor<512xbf16>, %w2: tensor<256x512xbf16>,
                         %b2: tensor<256xbf16>) -> tensor<?x128x256xbf16> {
  %h = xfuse.sinusoidal_pe %x : tensor<?x128x256xbf16>
  %y = xfuse.ffn %h, %w1 bias %b1, %w2 bias %b2
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>,
         tensor<256x512xbf16>, tensor<256xbf16>) -> tensor<?x128x256xbf16>
  return %y : tensor<?x128x256xbf16>
}
