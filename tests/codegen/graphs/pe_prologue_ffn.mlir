// A positional encoding feeding a narrow FFN. GEMMs take no A prologue, so
// the encoding is a pointwise kernel of its own before the two GEMMs: three
// kernels, one launch each.
func.func @pe_ffn_narrow(%x: tensor<?x16x256xbf16>, %w1: tensor<256x512xbf16>, %b1: tensor<512xbf16>,
                         %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x16x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x16x256xbf16>
  %y = xfuse.ffn %pe, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x16x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x16x256xbf16>
  return %y : tensor<?x16x256xbf16>
}
