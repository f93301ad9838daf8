// Encoder input block of the original Transformer: token embeddings scaled by
// sqrt(d), plus the sinusoidal positional encoding, then the position-wise
// feed-forward network with ReLU. Batch is dynamic; d = 256, dff = 1024.
// xfuse.name names the parameters of the generated entry point:
// encoder_ffn(x, w1, b1, w2, b2, y, workspace, stream).
func.func @encoder_ffn(%embeddings: tensor<?x64x256xbf16> {xfuse.name = "x"},
                       %w1: tensor<256x1024xbf16> {xfuse.name = "w1"},
                       %b1: tensor<1024xbf16> {xfuse.name = "b1"},
                       %w2: tensor<1024x256xbf16> {xfuse.name = "w2"},
                       %b2: tensor<256xbf16> {xfuse.name = "b2"})
    -> (tensor<?x64x256xbf16> {xfuse.name = "y"}) {
  %x = xfuse.sinusoidal_pe %embeddings {scale = 16.0 : f64}
      : tensor<?x64x256xbf16>
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x64x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>,
         tensor<1024x256xbf16>, tensor<256xbf16>) -> tensor<?x64x256xbf16>
  return %y : tensor<?x64x256xbf16>
}
