// Config 3b, Llama-7B: 4096 tokens, the query projection X Wq^T (nn.Linear
// weight [out, in]) split into 32 heads of 128 and rotated (neox style,
// theta 10000) at the given positions.
func.func @llama_q_rope(%x: tensor<?x4096xbf16>, %wq: tensor<4096x4096xbf16>,
                        %positions: tensor<?xi64>) -> tensor<?x32x128xbf16> {
  %q = xfuse.linear %x, %wq {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
  %c0 = arith.constant 0 : index
  %tokens = tensor.dim %q, %c0 : tensor<?x4096xbf16>
  %heads = tensor.expand_shape %q [[0], [1, 2]] output_shape [%tokens, 32, 128]
      : tensor<?x4096xbf16> into tensor<?x32x128xbf16>
  %r = xfuse.rope %heads positions %positions {theta = 10000.0 : f64}
      : tensor<?x32x128xbf16>, tensor<?xi64>
  return %r : tensor<?x32x128xbf16>
}
