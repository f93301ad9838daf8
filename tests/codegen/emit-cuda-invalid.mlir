// Input the emitter cannot translate fails with a located error and exit
// code 1, never a crash or partial output.
// RUN: xfuse-translate --emit-cuda --split-input-file --verify-diagnostics %s
// RUN: not xfuse-translate --emit-cuda --split-input-file %s 2>&1 | FileCheck %s --check-prefix=EXIT
// EXIT-NOT: PLEASE submit a bug report
// EXIT: error: cannot emit

#map = affine_map<()[s0, s1] -> (0)>

// A chain must read the previous op's result.
func.func @broken_chain(%x: tensor<?x256xbf16>, %y: tensor<?x256xbf16>) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  %0 = xkernel.pointwise(%x, %y : tensor<?x256xbf16>, tensor<?x256xbf16>)
      plan <target = sm_90a, threads = 256, vector_width = 8>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<?x256xbf16>):
    %1 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x256xbf16>
    // expected-error @+1 {{cannot emit 'xfuse.activation' in an xkernel.pointwise: it does not read the result of the op before it}}
    %2 = xfuse.activation %b {kind = #xfuse.activation<gelu>} : tensor<?x256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  return %0 : tensor<?x256xbf16>
}

// -----

// Graphs must go through the pipeline first.
// expected-error @+1 {{no xkernel.workspace plan; run xfuse-opt --xfuse-pipeline first}}
func.func @unplanned(%x: tensor<?x256xbf16>) -> tensor<?x256xbf16> {
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x256xbf16>
  return %0 : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0] -> (0)>

// A kernel result must be returned or given a workspace slice.
func.func @no_slice(%x: tensor<?x256xbf16>, %g: tensor<256xbf16>) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  // expected-error @+1 {{result 0 is neither returned nor given a workspace slice}}
  %0 = xkernel.pointwise(%x, %g : tensor<?x256xbf16>, tensor<256xbf16>)
      plan <target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %w: tensor<256xbf16>):
    %1 = xfuse.rms_norm %a, %w : tensor<?x256xbf16>, tensor<256xbf16>
    xkernel.yield %1 : tensor<?x256xbf16>
  }
  %1 = xkernel.pointwise(%0, %g : tensor<?x256xbf16>, tensor<256xbf16>)
      plan <target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %w: tensor<256xbf16>):
    %2 = xfuse.rms_norm %a, %w : tensor<?x256xbf16>, tensor<256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  return %1 : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0] -> (0)>

func.func @outside(%x: tensor<?x256xbf16>) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  // expected-error @+1 {{cannot emit 'xfuse.activation' outside a kernel; expected the output of xfuse-opt --xfuse-pipeline}}
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x256xbf16>
  return %0 : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0] -> (0)>

// Parameter names (xfuse.name) must be C++ identifiers...
func.func @not_an_identifier(
    // expected-error @+1 {{cannot emit @not_an_identifier: argument 0 is named 'hidden-states' (xfuse.name), which is not a C++ identifier or is a C++ keyword or a reserved name}}
    %x: tensor<?x256xbf16> {xfuse.name = "hidden-states"}) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  return %x : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0] -> (0)>

// ... and not keywords ...
func.func @keyword(
    // expected-error @+1 {{argument 0 is named 'class' (xfuse.name), which is not a C++ identifier or is a C++ keyword or a reserved name}}
    %x: tensor<?x256xbf16> {xfuse.name = "class"}) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  return %x : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0] -> (0)>

// ... nor a name the declaration uses itself ...
// expected-error @+1 {{result 0 is named 'stream' (xfuse.name), which is not a C++ identifier or is a C++ keyword or a reserved name}}
func.func @reserved(%x: tensor<?x256xbf16>) -> (tensor<?x256xbf16> {xfuse.name = "stream"})
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  return %x : tensor<?x256xbf16>
}

// -----

#map = affine_map<()[s0, s1] -> (0)>

// ... and unique, also against the positional names of unnamed parameters.
func.func @duplicate(%x: tensor<?x256xbf16>,
    // expected-error @+1 {{cannot emit @duplicate: argument 1 is named 'arg0' like argument 0; parameter names must be unique}}
    %y: tensor<?x256xbf16> {xfuse.name = "arg0"}) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  return %x : tensor<?x256xbf16>
}

// -----

// A weight packed with a folded encoding that no GEMM adds, and one whose
// GEMM folds an encoding into a weight packed without it.
#none0 = affine_map<()[s0] -> (0)>
// expected-error @+1 {{cannot emit the pack helper of arg1: its packing #xkernel.weight_packing<source = out_in, folded_positions = 128> makes a folded encoding, but no GEMM folds one into it}}
func.func @fold_unused(%x: tensor<?x128xbf16>,
                       %w: tensor<128x128xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in, folded_positions = 128>})
    -> tensor<?x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none0>} {
  %y = xkernel.gemm(%x, %w : tensor<?x128xbf16>, tensor<128x128xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2>
      -> tensor<?x128xbf16> {
  ^bb0(%a: tensor<?x128xbf16>, %wt: tensor<128x128xbf16>):
    %l = xfuse.linear %a, %wt {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128xbf16>, tensor<128x128xbf16>) -> tensor<?x128xbf16>
    xkernel.yield %l : tensor<?x128xbf16>
  }
  return %y : tensor<?x128xbf16>
}

// -----

#none1 = affine_map<()[s0] -> (0)>
func.func @fold_unpacked(%x: tensor<?x128x128xbf16>,
                         %w: tensor<128x128xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>})
    -> tensor<?x128x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none1>} {
  %y = xkernel.gemm(%x, %w : tensor<?x128x128xbf16>, tensor<128x128xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x128xbf16> {
  ^bb0(%a: tensor<?x128x128xbf16>, %wt: tensor<128x128xbf16>):
    // expected-error @+1 {{cannot emit this encoding folded into its GEMM: weight arg1 is packed as #xkernel.weight_packing<source = out_in>, not with the table of 128 positions; run xfuse-opt --xfuse-pipeline}}
    %pe = xfuse.sinusoidal_pe %a : tensor<?x128x128xbf16>
    %l = xfuse.linear %pe, %wt {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128x128xbf16>, tensor<128x128xbf16>) -> tensor<?x128x128xbf16>
    xkernel.yield %l : tensor<?x128x128xbf16>
  }
  return %y : tensor<?x128x128xbf16>
}
