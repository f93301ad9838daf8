// Pre-norm transformer feed-forward sublayer: x + FFN(RMSNorm(x)) with GELU,
// over a dynamic number of tokens; d = 256, dff = 1024.
func.func @prenorm_ffn(%x: tensor<?x256xbf16>, %norm_weight: tensor<256xbf16>,
                       %w1: tensor<256x1024xbf16>, %b1: tensor<1024xbf16>,
                       %w2: tensor<1024x256xbf16>, %b2: tensor<256xbf16>)
    -> tensor<?x256xbf16> {
  %normed = xfuse.rms_norm %x, %norm_weight : tensor<?x256xbf16>, tensor<256xbf16>
  %y = xfuse.ffn %normed, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu>}
      : (tensor<?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>,
         tensor<1024x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %out = xfuse.add %x, %y : tensor<?x256xbf16>, tensor<?x256xbf16>
  return %out : tensor<?x256xbf16>
}
