// Config 5: RoPE alone on 16384 tokens x 32 heads x 128, neox style,
// theta 10000, at the given positions.
func.func @rope(%q: tensor<?x32x128xbf16>, %positions: tensor<?xi64>)
    -> tensor<?x32x128xbf16> {
  %r = xfuse.rope %q positions %positions {theta = 10000.0 : f64}
      : tensor<?x32x128xbf16>, tensor<?xi64>
  return %r : tensor<?x32x128xbf16>
}
