// Query projection followed by rotary embedding, as in Llama: X·Wq, split
// into 4 heads of 64, rotated (neox style, theta 500000, Llama 3.1 frequency
// scaling) at explicit positions, e.g. a decode step at an offset.
func.func @query_rope(%x: tensor<?x32x256xbf16> {xfuse.name = "x"},
                      %wq: tensor<256x256xbf16> {xfuse.name = "wq"},
                      %positions: tensor<?x32xi64> {xfuse.name = "positions"})
    -> (tensor<?x32x4x64xbf16> {xfuse.name = "q"}) {
  %q = xfuse.linear %x, %wq
      : (tensor<?x32x256xbf16>, tensor<256x256xbf16>) -> tensor<?x32x256xbf16>
  %c0 = arith.constant 0 : index
  %batch = tensor.dim %q, %c0 : tensor<?x32x256xbf16>
  %heads = tensor.expand_shape %q [[0], [1], [2, 3]]
      output_shape [%batch, 32, 4, 64]
      : tensor<?x32x256xbf16> into tensor<?x32x4x64xbf16>
  %rotated = xfuse.rope %heads positions %positions
      {theta = 500000.0 : f64,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                       high_freq_factor = 4.0,
                                       original_max_position = 8192>}
      : tensor<?x32x4x64xbf16>, tensor<?x32xi64>
  return %rotated : tensor<?x32x4x64xbf16>
}
