// Decode-sized FFNs whose sm_90a plans run the swapped Hopper GEMM
// (mainloop = tma_wgmma_swapped: the weights as wgmma's 64-row side, the
// tokens as its n): 1, 8, 16 and 64 tokens, plain (ReLU, biases) and gated
// (SiLU, biases). The down projections' long reductions split in clusters:
// K = 4096 over 4 tiles of 64 features in 8 slices, K = 2048 in 4.
func.func @swapped_ffn_m1(%x: tensor<1x256xbf16>, %w1: tensor<256x4096xbf16>,
                          %b1: tensor<4096xbf16>, %w2: tensor<4096x256xbf16>,
                          %b2: tensor<256xbf16>) -> tensor<1x256xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<1x256xbf16>, tensor<256x4096xbf16>, tensor<4096xbf16>,
         tensor<4096x256xbf16>, tensor<256xbf16>) -> tensor<1x256xbf16>
  return %y : tensor<1x256xbf16>
}

func.func @swapped_ffn_m16(%x: tensor<16x256xbf16>, %w1: tensor<256x4096xbf16>,
                           %b1: tensor<4096xbf16>, %w2: tensor<4096x256xbf16>,
                           %b2: tensor<256xbf16>) -> tensor<16x256xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<16x256xbf16>, tensor<256x4096xbf16>, tensor<4096xbf16>,
         tensor<4096x256xbf16>, tensor<256xbf16>) -> tensor<16x256xbf16>
  return %y : tensor<16x256xbf16>
}

func.func @swapped_gated_m8(%x: tensor<8x256xbf16>, %wg: tensor<256x2048xbf16>,
                            %bg: tensor<2048xbf16>, %wu: tensor<256x2048xbf16>,
                            %bu: tensor<2048xbf16>, %wd: tensor<2048x256xbf16>,
                            %bd: tensor<256xbf16>) -> tensor<8x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<silu>}
      : (tensor<8x256xbf16>, tensor<256x2048xbf16>, tensor<2048xbf16>,
         tensor<256x2048xbf16>, tensor<2048xbf16>, tensor<2048x256xbf16>,
         tensor<256xbf16>) -> tensor<8x256xbf16>
  return %y : tensor<8x256xbf16>
}

func.func @swapped_gated_m64(%x: tensor<64x256xbf16>, %wg: tensor<256x2048xbf16>,
                             %bg: tensor<2048xbf16>, %wu: tensor<256x2048xbf16>,
                             %bu: tensor<2048xbf16>, %wd: tensor<2048x256xbf16>,
                             %bd: tensor<256xbf16>) -> tensor<64x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<silu>}
      : (tensor<64x256xbf16>, tensor<256x2048xbf16>, tensor<2048xbf16>,
         tensor<256x2048xbf16>, tensor<2048xbf16>, tensor<2048x256xbf16>,
         tensor<256xbf16>) -> tensor<64x256xbf16>
  return %y : tensor<64x256xbf16>
}
