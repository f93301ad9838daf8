// Token positions at and beyond what each encoding supports, for
// ArgumentChecksTest.cu: a learned table clamps the row it reads, a
// sinusoidal encoding computes the angle of any position, negative ones
// included. RoPE's are
// examples/linear_rope.mlir's.
func.func @learned_positions(%x: tensor<?x16x256xbf16> {xfuse.name = "x"},
                             %table: tensor<64x256xbf16> {xfuse.name = "table"},
                             %pos: tensor<?x16xi32> {xfuse.name = "pos"})
    -> (tensor<?x16x256xbf16> {xfuse.name = "y"}) {
  %y = xfuse.learned_pe %x, %table positions %pos
      : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>
  return %y : tensor<?x16x256xbf16>
}

func.func @sinusoidal_positions(%x: tensor<?x16x256xbf16> {xfuse.name = "x"},
                                %pos: tensor<?x16xi64> {xfuse.name = "pos"})
    -> (tensor<?x16x256xbf16> {xfuse.name = "y"}) {
  %y = xfuse.sinusoidal_pe %x positions %pos
      : tensor<?x16x256xbf16>, tensor<?x16xi64>
  return %y : tensor<?x16x256xbf16>
}
