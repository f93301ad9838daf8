// Every FFN attribute that reaches a GEMM's epilogue is in the emitted code
// with its value: each activation after its bias, in both weight layouts;
// each gated activation, with the gate's and the up projection's biases each
// on its own chain (or none), and the clamped SwiGLU's alpha and limit. From
// hand-written kernel IR with explicit plans, so that no cost-model change
// moves these checks.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h %s | FileCheck %s

#none = affine_map<()[s0] -> (0)>
#in_out = #xkernel.weight_packing<source = in_out>
#out_in = #xkernel.weight_packing<source = out_in>

// The first linear of an FFN (in_out): its bias, then relu.
// CHECK-LABEL: rt::Status bias_relu(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kRelu>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kRelu>{});
func.func @bias_relu(%x: tensor<?x256xbf16>, %w: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<256x512xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<relu>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The first linear of an FFN (out_in): its bias, then gelu.
// CHECK-LABEL: rt::Status bias_gelu(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kGelu>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kGelu>{});
func.func @bias_gelu(%x: tensor<?x256xbf16>, %w: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<512x256xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<gelu>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The first linear of an FFN (in_out): its bias, then gelu_tanh.
// CHECK-LABEL: rt::Status bias_gelu_tanh(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kGeluTanh>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kGeluTanh>{});
func.func @bias_gelu_tanh(%x: tensor<?x256xbf16>, %w: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<256x512xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<gelu_tanh>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The first linear of an FFN (out_in): its bias, then silu.
// CHECK-LABEL: rt::Status bias_silu(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kSilu>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kSilu>{});
func.func @bias_silu(%x: tensor<?x256xbf16>, %w: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<512x256xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<silu>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The first linear of an FFN (in_out): its bias, then quick_gelu.
// CHECK-LABEL: rt::Status bias_quick_gelu(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kQuickGelu>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kQuickGelu>{});
func.func @bias_quick_gelu(%x: tensor<?x256xbf16>, %w: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<256x512xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<quick_gelu>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The first linear of an FFN (out_in): its bias, then relu2.
// CHECK-LABEL: rt::Status bias_relu2(
// CHECK: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kRelu2>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kRelu2>{});
func.func @bias_relu2(%x: tensor<?x256xbf16>, %w: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %b: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_w: tensor<512x256xbf16>, %k_b: tensor<512xbf16>):
    %l = xfuse.linear %k_x, %k_w bias %k_b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<relu2>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// A gated GEMM whose up projection alone has a bias: it belongs on the up
// chain, not the gate's, and must not be dropped.
// CHECK-LABEL: rt::Status swiglu_up_bias(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kSilu>, device::EpilogueChain<>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kSilu>{}};
func.func @swiglu_up_bias(%x: tensor<?x256xbf16>, %wg: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %wu: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %bu: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bu : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<512x256xbf16>, %k_wu: tensor<512x256xbf16>, %k_bu: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu bias %k_bu {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// The gate projection's bias alone, on the gate chain.
// CHECK-LABEL: rt::Status geglu_gate_bias(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kGelu>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kGelu>{}};
func.func @geglu_gate_bias(%x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %wu: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %bg: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<256x512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<256x512xbf16>, %k_wu: tensor<256x512xbf16>, %k_bg: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg bias %k_bg : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu : (tensor<?x256xbf16>, tensor<256x512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.activation<gelu>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// Both biases, each on its own chain.
// CHECK-LABEL: rt::Status geglu_tanh_biases(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kGeluTanh>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg4.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kGeluTanh>{}};
func.func @geglu_tanh_biases(%x: tensor<?x256xbf16>, %wg: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %wu: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %bg: tensor<512xbf16>, %bu: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg, %bu : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<512x256xbf16>, %k_wu: tensor<512x256xbf16>, %k_bg: tensor<512xbf16>, %k_bu: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg bias %k_bg {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu bias %k_bu {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.activation<gelu_tanh>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// ReGLU.
// CHECK-LABEL: rt::Status reglu(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kRelu>, device::EpilogueChain<>, device::EpilogueChain<>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kRelu>{}};
func.func @reglu(%x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %wu: tensor<256x512xbf16> {xkernel.weight_packing = #in_out})
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<256x512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<256x512xbf16>, %k_wu: tensor<256x512xbf16>):
    %g = xfuse.linear %k_x, %k_wg : (tensor<?x256xbf16>, tensor<256x512xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu : (tensor<?x256xbf16>, tensor<256x512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.activation<relu>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// Gated by quick_gelu.
// CHECK-LABEL: rt::Status gated_quick_gelu(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kQuickGelu>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg4.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kQuickGelu>{}};
func.func @gated_quick_gelu(%x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %wu: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %bg: tensor<512xbf16>, %bu: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg, %bu : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<256x512xbf16>, tensor<512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<256x512xbf16>, %k_wu: tensor<256x512xbf16>, %k_bg: tensor<512xbf16>, %k_bu: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg bias %k_bg : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu bias %k_bu : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.activation<quick_gelu>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// Gated by the squared ReLU.
// CHECK-LABEL: rt::Status gated_relu2(
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kRelu2>, device::EpilogueChain<>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kRelu2>{}};
func.func @gated_relu2(%x: tensor<?x256xbf16>, %wg: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %wu: tensor<512x256xbf16> {xkernel.weight_packing = #out_in}, %bu: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bu : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<512x256xbf16>, %k_wu: tensor<512x256xbf16>, %k_bu: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu bias %k_bu {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.activation<relu2>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// gpt-oss's clamped SwiGLU with its alpha and limit.
// CHECK-LABEL: rt::Status clamped_swiglu(
// CHECK: const auto epilogue = device::GatedProductOf<device::ClampedSwiGlu, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg4.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ClampedSwiGlu{1.5f, 3.0f}};
func.func @clamped_swiglu(%x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %wu: tensor<256x512xbf16> {xkernel.weight_packing = #in_out}, %bg: tensor<512xbf16>, %bu: tensor<512xbf16>)
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg, %bu : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<256x512xbf16>, tensor<512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%k_x: tensor<?x256xbf16>, %k_wg: tensor<256x512xbf16>, %k_wu: tensor<256x512xbf16>, %k_bg: tensor<512xbf16>, %k_bu: tensor<512xbf16>):
    %g = xfuse.linear %k_x, %k_wg bias %k_bg : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %u = xfuse.linear %k_x, %k_wu bias %k_bu : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<alpha = 1.5, limit = 3.0>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}
