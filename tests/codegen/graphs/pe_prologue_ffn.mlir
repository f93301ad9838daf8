// A positional encoding that --xfuse-form-kernels puts in a GEMM's A
// prologue: recomputing it per output tile column beats a round trip through
// memory at this width (see xfuse-form-kernels.mlir).
func.func @pe_ffn_narrow(%x: tensor<?x16x256xbf16>, %w1: tensor<256x512xbf16>, %b1: tensor<512xbf16>,
                         %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x16x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x16x256xbf16>
  %y = xfuse.ffn %pe, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x16x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x16x256xbf16>
  return %y : tensor<?x16x256xbf16>
}
