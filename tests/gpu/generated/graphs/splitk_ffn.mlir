// A small-batch FFN: 72 tokens (past the swapped GEMM's 64, whose split-K
// needs no counters) leave most SMs idle, so launch planning
// splits K on the Hopper GEMM (the mma.sync loop has no split-K: sm_80
// plans none).
func.func @small_ffn(%x: tensor<72x1024xbf16>, %w1: tensor<1024x1024xbf16>,
                     %b1: tensor<1024xbf16>, %w2: tensor<1024x1024xbf16>,
                     %b2: tensor<1024xbf16>) -> tensor<72x1024xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<silu>}
      : (tensor<72x1024xbf16>, tensor<1024x1024xbf16>, tensor<1024xbf16>,
         tensor<1024x1024xbf16>, tensor<1024xbf16>) -> tensor<72x1024xbf16>
  return %y : tensor<72x1024xbf16>
}
