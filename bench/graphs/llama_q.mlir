// Config 3a, Llama-7B: the query projection of llama_q_rope without the
// rotation, timed in the same run so that the cost of the fused RoPE
// epilogue is their difference.
func.func @llama_q(%x: tensor<?x4096xbf16>, %wq: tensor<4096x4096xbf16>)
    -> tensor<?x4096xbf16> {
  %q = xfuse.linear %x, %wq {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
  return %q : tensor<?x4096xbf16>
}
