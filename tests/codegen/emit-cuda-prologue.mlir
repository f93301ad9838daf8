// A positional encoding that --xfuse-form-kernels puts in a GEMM's A
// prologue (recomputing it per output tile column beats a round trip
// through memory; see xfuse-form-kernels.mlir) is emitted as its own kernel
// into scratch until the device GEMM has an A prologue.
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a %s | FileCheck %s

// CHECK: const std::size_t scratch0Bytes = static_cast<std::size_t>(s0 * 4096) * sizeof(__nv_bfloat16);
// CHECK: // Kernel 0: xkernel.gemm
// CHECK: // Not fused yet: the A prologue runs as its own kernel into scratch.
// CHECK-NEXT: {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies0, deviceAddress(pe_ffn_narrow_frequencies0));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(scratch0),
// CHECK-NEXT: s0 * 16,
// CHECK-NEXT: device::SinusoidalStage<256, device::SinusoidalLayout::kInterleaved, std::int32_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 16}, 1.0f});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// The GEMM reads the encoded A from scratch; its 4-step main loop runs
// ping-pong.
// CHECK: using Tile = device::Sm90GemmTile<128, 128, 4, device::Sm90Schedule::kPingPong>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(scratch0), {static_cast<const __nv_bfloat16 *>(arg1.data())},
func.func @pe_ffn_narrow(%x: tensor<?x16x256xbf16>, %w1: tensor<256x512xbf16>, %b1: tensor<512xbf16>,
                         %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>) -> tensor<?x16x256xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x16x256xbf16>
  %y = xfuse.ffn %pe, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x16x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x16x256xbf16>
  return %y : tensor<?x16x256xbf16>
}
