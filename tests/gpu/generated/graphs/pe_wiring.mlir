// Every sinusoidal PE layout with a base and a scale of its own, in f32
// (sin and cos checked to 1e-5), f16 and bf16, at given positions:
// PeWiringTest.cu checks each against the float64 reference.

func.func @pe_interleaved_f32(%x: tensor<?x16x256xf32>, %pos: tensor<?x16xi32>) -> tensor<?x16x256xf32> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<interleaved>, base = 500.0 : f64, scale = 0.5 : f64}
      : tensor<?x16x256xf32>, tensor<?x16xi32>
  return %y : tensor<?x16x256xf32>
}

func.func @pe_half_f32(%x: tensor<?x16x256xf32>, %pos: tensor<?x16xi64>) -> tensor<?x16x256xf32> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<half>, base = 20000.0 : f64, scale = 3.0 : f64}
      : tensor<?x16x256xf32>, tensor<?x16xi64>
  return %y : tensor<?x16x256xf32>
}

func.func @pe_fairseq_f32(%x: tensor<?x16x256xf32>, %pos: tensor<?x16xi64>) -> tensor<?x16x256xf32> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<fairseq>, base = 1000.0 : f64, scale = 2.5 : f64}
      : tensor<?x16x256xf32>, tensor<?x16xi64>
  return %y : tensor<?x16x256xf32>
}

func.func @pe_interleaved_bf16(%x: tensor<?x16x256xbf16>, %pos: tensor<?x16xi64>) -> tensor<?x16x256xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<interleaved>, base = 100.0 : f64, scale = 1.5 : f64}
      : tensor<?x16x256xbf16>, tensor<?x16xi64>
  return %y : tensor<?x16x256xbf16>
}

func.func @pe_half_f16(%x: tensor<?x16x256xf16>, %pos: tensor<?x16xi32>) -> tensor<?x16x256xf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<half>, base = 5000.0 : f64, scale = 0.25 : f64}
      : tensor<?x16x256xf16>, tensor<?x16xi32>
  return %y : tensor<?x16x256xf16>
}

func.func @pe_fairseq_f16(%x: tensor<?x16x256xf16>, %pos: tensor<?x16xi32>) -> tensor<?x16x256xf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<fairseq>, base = 300.0 : f64, scale = 4.0 : f64}
      : tensor<?x16x256xf16>, tensor<?x16xi32>
  return %y : tensor<?x16x256xf16>
}
