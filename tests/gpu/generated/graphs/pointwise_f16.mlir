// Pointwise chains in f16.
func.func @add_rmsnorm_gelu_f16(%x: tensor<?x384xf16>, %r: tensor<?x384xf16>,
                                %w: tensor<384xf16>) -> tensor<?x384xf16> {
  %a = xfuse.add %x, %r : tensor<?x384xf16>, tensor<?x384xf16>
  %n = xfuse.rms_norm %a, %w : tensor<?x384xf16>, tensor<384xf16>
  %y = xfuse.activation %n {kind = #xfuse.activation<gelu>} : tensor<?x384xf16>
  return %y : tensor<?x384xf16>
}

func.func @gate_f16(%g: tensor<?x384xf16>, %u: tensor<?x384xf16>) -> tensor<?x384xf16> {
  %y = xfuse.gate %g, %u : tensor<?x384xf16>
  return %y : tensor<?x384xf16>
}
