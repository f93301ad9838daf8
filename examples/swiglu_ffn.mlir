// Llama-style SwiGLU feed-forward network with PyTorch nn.Linear weights
// ([out, in]) and no biases: (silu(X·Wg) ⊙ X·Wu)·Wd over a dynamic number of
// tokens; d = 256, dff = 688.
func.func @swiglu(%x: tensor<?x256xbf16>, %w_gate: tensor<688x256xbf16>,
                  %w_up: tensor<688x256xbf16>, %w_down: tensor<256x688xbf16>)
    -> tensor<?x256xbf16> {
  %y = xfuse.gated_ffn %x, %w_gate, %w_up, %w_down
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xbf16>, tensor<688x256xbf16>, tensor<688x256xbf16>,
         tensor<256x688xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}
