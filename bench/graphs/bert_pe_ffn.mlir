// Config 1, BERT-base: 32 x 512 tokens, d 768, dff 3072; PE + FFN with ReLU.
// Weights as PyTorch nn.Linear holds them ([out, in]), with biases; the
// sinusoidal encoding (interleaved sin/cos, base 10000, scale 1) is added to
// the input first.
func.func @bert_pe_ffn(%x: tensor<?x512x768xbf16>, %w1: tensor<3072x768xbf16>,
              %b1: tensor<3072xbf16>, %w2: tensor<768x3072xbf16>,
              %b2: tensor<768xbf16>) -> tensor<?x512x768xbf16> {
  %h = xfuse.sinusoidal_pe %x : tensor<?x512x768xbf16>
  %y = xfuse.ffn %h, %w1 bias %b1, %w2 bias %b2
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x512x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>,
         tensor<768x3072xbf16>, tensor<768xbf16>) -> tensor<?x512x768xbf16>
  return %y : tensor<?x512x768xbf16>
}
