// Config 4, decode: 16 tokens, d 4096, dff 16384; FFN with ReLU and biases,
// nn.Linear weights ([out, in]). Bound by reading the 256 MiB of weights.
// The token count is static, as in a graph compiled for one decode batch
// size: launch planning then picks tiles that spread the weights over all
// SMs.
func.func @decode_ffn(%x: tensor<16x4096xbf16>, %w1: tensor<16384x4096xbf16>,
                      %b1: tensor<16384xbf16>, %w2: tensor<4096x16384xbf16>,
                      %b2: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x4096xbf16>, tensor<16384x4096xbf16>, tensor<16384xbf16>,
         tensor<4096x16384xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16>
  return %y : tensor<16x4096xbf16>
}
