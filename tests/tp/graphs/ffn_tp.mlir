// The tensor-parallel entry points CI compiles (nvcc-compile-tp.sh): a
// prefill FFN whose down GEMM runs in row blocks, a decode step, and a
// residual add that reads the whole sum (an all-gather with
// collective=reduce-scatter).
func.func @prefill(%x: tensor<?x256xbf16>, %w1: tensor<256x1024xbf16>, %b1: tensor<1024xbf16>,
                   %w2: tensor<1024x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>, tensor<1024x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

func.func @decode(%x: tensor<16x256xbf16>, %wg: tensor<1024x256xbf16>, %wu: tensor<1024x256xbf16>,
                  %wd: tensor<256x1024xbf16>) -> tensor<16x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x256xbf16>, tensor<1024x256xbf16>, tensor<1024x256xbf16>, tensor<256x1024xbf16>) -> tensor<16x256xbf16>
  return %y : tensor<16x256xbf16>
}

func.func @residual(%x: tensor<?x256xf16>, %w1: tensor<256x512xf16>, %w2: tensor<512x256xf16>) -> tensor<?x256xf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x256xf16>, tensor<256x512xf16>, tensor<512x256xf16>) -> tensor<?x256xf16>
  %r = xfuse.add %y, %x : tensor<?x256xf16>, tensor<?x256xf16>
  return %r : tensor<?x256xf16>
}
