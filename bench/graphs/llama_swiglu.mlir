// Config 3a, Llama-7B: 4096 tokens, d 4096, dff 11008; SwiGLU FFN
// (silu(X Wg^T) * X Wu^T) Wd^T with nn.Linear weights ([out, in]), no biases.
func.func @llama_swiglu(%x: tensor<?x4096xbf16>, %wg: tensor<11008x4096xbf16>,
                        %wu: tensor<11008x4096xbf16>,
                        %wd: tensor<4096x11008xbf16>) -> tensor<?x4096xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4096xbf16>, tensor<11008x4096xbf16>,
         tensor<11008x4096xbf16>, tensor<4096x11008xbf16>)
      -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}
