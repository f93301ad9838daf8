// Pointwise chains in f32 (GEMMs take only f16 and bf16; pointwise kernels
// take f32 too).
func.func @layernorm_relu_bias_f32(%x: tensor<?x200xf32>, %w: tensor<200xf32>,
                                   %b: tensor<200xf32>, %c: tensor<200xf32>)
    -> tensor<?x200xf32> {
  %n = xfuse.layer_norm %x, %w bias %b : tensor<?x200xf32>, tensor<200xf32>, tensor<200xf32>
  %a = xfuse.activation %n {kind = #xfuse.activation<relu>} : tensor<?x200xf32>
  %y = xfuse.add %a, %c : tensor<?x200xf32>, tensor<200xf32>
  return %y : tensor<?x200xf32>
}

func.func @gelu_tanh_f32(%x: tensor<?x200xf32>) -> tensor<?x200xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu_tanh>} : tensor<?x200xf32>
  return %y : tensor<?x200xf32>
}
