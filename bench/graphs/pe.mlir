// Config 6: the sinusoidal encoding alone (interleaved sin/cos, base 10000,
// scale 1) added to 32 x 512 x 768 embeddings.
func.func @pe(%x: tensor<?x512x768xbf16>) -> tensor<?x512x768xbf16> {
  %y = xfuse.sinusoidal_pe %x : tensor<?x512x768xbf16>
  return %y : tensor<?x512x768xbf16>
}
