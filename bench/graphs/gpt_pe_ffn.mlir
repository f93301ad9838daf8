// Config 2, GPT: 4 x 2048 tokens, d 4096, dff 16384; PE + FFN with ReLU.
// Weights as PyTorch nn.Linear holds them ([out, in]), with biases; the
// sinusoidal encoding (interleaved sin/cos, base 10000, scale 1) is added to
// the input first.
func.func @gpt_pe_ffn(%x: tensor<?x2048x4096xbf16>, %w1: tensor<16384x4096xbf16>,
              %b1: tensor<16384xbf16>, %w2: tensor<4096x16384xbf16>,
              %b2: tensor<4096xbf16>) -> tensor<?x2048x4096xbf16> {
  %h = xfuse.sinusoidal_pe %x : tensor<?x2048x4096xbf16>
  %y = xfuse.ffn %h, %w1 bias %b1, %w2 bias %b2
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x2048x4096xbf16>, tensor<16384x4096xbf16>, tensor<16384xbf16>,
         tensor<4096x16384xbf16>, tensor<4096xbf16>) -> tensor<?x2048x4096xbf16>
  return %y : tensor<?x2048x4096xbf16>
}
