// RUN: xfuse-opt %s --xfuse-to-linalg -split-input-file | FileCheck %s

// Interleaved layout, positions from the sequence index: one generic reading
// the per-feature frequencies base^(-2i/d) through the feature loop, with sin
// on even and cos on odd features. scale = 1 adds no multiplication.

// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$FEAT3:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @sinusoidal_interleaved(
// CHECK-SAME:    %[[X:.+]]: tensor<2x4x8xf32>
// CHECK:       %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 1.000000e+00, 1.000000e-01, 1.000000e-01, 0.00999999977, 0.00999999977, 1.000000e-03, 1.000000e-03]> : tensor<8xf32>
// CHECK:       %[[EMPTY:.+]] = tensor.empty() : tensor<2x4x8xf32>
// CHECK:       %[[PE:.+]] = linalg.generic
// CHECK-SAME:    indexing_maps = [#[[$ID3]], #[[$FEAT3]], #[[$ID3]]]
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME:    ins(%[[X]], %[[FREQ]] : tensor<2x4x8xf32>, tensor<8xf32>)
// CHECK-SAME:    outs(%[[EMPTY]] : tensor<2x4x8xf32>)
// CHECK:       ^bb0(%[[IN:.+]]: f32, %[[F:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[SEQ:.+]] = linalg.index 1 : index
// CHECK:         %[[SEQ64:.+]] = arith.index_cast %[[SEQ]] : index to i64
// CHECK:         %[[POS:.+]] = arith.sitofp %[[SEQ64]] : i64 to f32
// CHECK:         %[[ANGLE:.+]] = arith.mulf %[[POS]], %[[F]] : f32
// CHECK:         %[[SIN:.+]] = math.sin %[[ANGLE]] : f32
// CHECK:         %[[COS:.+]] = math.cos %[[ANGLE]] : f32
// CHECK:         %[[J:.+]] = linalg.index 2 : index
// CHECK:         %[[PARITY:.+]] = arith.andi %[[J]], %{{.+}} : index
// CHECK:         %[[EVEN:.+]] = arith.cmpi eq, %[[PARITY]], %{{.+}} : index
// CHECK:         %[[ENC:.+]] = arith.select %[[EVEN]], %[[SIN]], %[[COS]] : f32
// CHECK-NOT:     arith.mulf
// CHECK:         %[[SUM:.+]] = arith.addf %[[IN]], %[[ENC]] : f32
// CHECK:         linalg.yield %[[SUM]] : f32
// CHECK:       return %[[PE]]
// CHECK-NOT:   xfuse.
func.func @sinusoidal_interleaved(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %y = xfuse.sinusoidal_pe %x : tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// Half layout in bf16 with a dynamic batch, a scale and i32 positions: the
// positions are read through the token loops, the element is extended to f32
// and the sum truncated back; sines fill the first d/2 features.

// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$FEAT3:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[$TOK3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @sinusoidal_half_bf16_positions_i32(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x1x8xbf16>, %[[P:.+]]: tensor<?x1xi32>
// CHECK-DAG:   %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 0.316227764, 1.000000e-01, 0.0316227749, 1.000000e+00, 0.316227764, 1.000000e-01, 0.0316227749]> : tensor<8xf32>
// CHECK-DAG:   %[[SCALE:.+]] = arith.constant 2.000000e+00 : f32
// CHECK:       %[[B:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x1x8xbf16>
// CHECK:       %[[EMPTY:.+]] = tensor.empty(%[[B]]) : tensor<?x1x8xbf16>
// CHECK:       linalg.generic
// CHECK-SAME:    indexing_maps = [#[[$ID3]], #[[$FEAT3]], #[[$TOK3]], #[[$ID3]]]
// CHECK-SAME:    ins(%[[X]], %[[FREQ]], %[[P]] : tensor<?x1x8xbf16>, tensor<8xf32>, tensor<?x1xi32>)
// CHECK-SAME:    outs(%[[EMPTY]] : tensor<?x1x8xbf16>)
// CHECK:       ^bb0(%[[IN:.+]]: bf16, %[[F:.+]]: f32, %[[PIN:.+]]: i32, %{{.+}}: bf16):
// CHECK:         %[[XF:.+]] = arith.extf %[[IN]] : bf16 to f32
// CHECK:         %[[POS:.+]] = arith.sitofp %[[PIN]] : i32 to f32
// CHECK:         %[[ANGLE:.+]] = arith.mulf %[[POS]], %[[F]] : f32
// CHECK:         %[[SIN:.+]] = math.sin %[[ANGLE]] : f32
// CHECK:         %[[COS:.+]] = math.cos %[[ANGLE]] : f32
// CHECK:         %[[J:.+]] = linalg.index 2 : index
// CHECK:         %[[FIRST:.+]] = arith.cmpi ult, %[[J]], %c4{{(_[0-9]+)?}} : index
// CHECK:         %[[ENC:.+]] = arith.select %[[FIRST]], %[[SIN]], %[[COS]] : f32
// CHECK:         %[[SCALED:.+]] = arith.mulf %[[SCALE]], %[[XF]] : f32
// CHECK:         %[[SUM:.+]] = arith.addf %[[SCALED]], %[[ENC]] : f32
// CHECK:         %[[OUT:.+]] = arith.truncf %[[SUM]] : f32 to bf16
// CHECK:         linalg.yield %[[OUT]] : bf16
// CHECK-NOT:   xfuse.
func.func @sinusoidal_half_bf16_positions_i32(%x: tensor<?x1x8xbf16>, %pos: tensor<?x1xi32>) -> tensor<?x1x8xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos {base = 100.0 : f64, scale = 2.0 : f64, layout = #xfuse.pe_layout<half>} : tensor<?x1x8xbf16>, tensor<?x1xi32>
  return %y : tensor<?x1x8xbf16>
}

// -----

// fairseq, d = 7: 3 frequencies 100^(-i/2) = 1, 0.1, 0.01 spread over the
// sine and cosine halves, 0 for the padding feature, whose encoding the
// body selects away.

// CHECK-LABEL: func.func @sinusoidal_fairseq_odd(
// CHECK-DAG:   %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 1.000000e-01, 0.00999999977, 1.000000e+00, 1.000000e-01, 0.00999999977, 0.000000e+00]> : tensor<7xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%{{.+}}, %[[FREQ]] : tensor<2x7xf32>, tensor<7xf32>)
// CHECK:         %[[SIN:.+]] = math.sin
// CHECK:         %[[COS:.+]] = math.cos
// CHECK:         %[[J:.+]] = linalg.index 1 : index
// CHECK:         %[[FIRST:.+]] = arith.cmpi ult, %[[J]], %c3{{(_[0-9]+)?}} : index
// CHECK:         %[[ENC:.+]] = arith.select %[[FIRST]], %[[SIN]], %[[COS]] : f32
// CHECK:         %[[PAIRED:.+]] = arith.cmpi ult, %[[J]], %c6{{(_[0-9]+)?}} : index
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[PADDED:.+]] = arith.select %[[PAIRED]], %[[ENC]], %[[ZERO]] : f32
// CHECK:         arith.addf %{{.+}}, %[[PADDED]] : f32
// CHECK-NOT:   xfuse.
func.func @sinusoidal_fairseq_odd(%x: tensor<2x7xf32>) -> tensor<2x7xf32> {
  %y = xfuse.sinusoidal_pe %x {base = 100.0 : f64, layout = #xfuse.pe_layout<fairseq>} : tensor<2x7xf32>
  return %y : tensor<2x7xf32>
}

// -----

// i64 positions of a rank-2 input, in f16.

// CHECK-DAG: #[[$TOK2:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @sinusoidal_f16_positions_i64(
// CHECK:       linalg.generic
// CHECK-SAME:    indexing_maps = [#{{.+}}, #{{.+}}, #[[$TOK2]], #{{.+}}]
// CHECK-SAME:    ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<3x4xf16>, tensor<4xf32>, tensor<3xi64>)
// CHECK:       ^bb0(%{{.+}}: f16, %{{.+}}: f32, %[[PIN:.+]]: i64, %{{.+}}: f16):
// CHECK:         arith.extf %{{.+}} : f16 to f32
// CHECK:         arith.sitofp %[[PIN]] : i64 to f32
// CHECK:         arith.truncf %{{.+}} : f32 to f16
// CHECK-NOT:   xfuse.
func.func @sinusoidal_f16_positions_i64(%x: tensor<3x4xf16>, %pos: tensor<3xi64>) -> tensor<3x4xf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos : tensor<3x4xf16>, tensor<3xi64>
  return %y : tensor<3x4xf16>
}

// -----

// learned_pe without positions: the sequence index, clamped into the table's
// rows (a dynamic sequence may outgrow it), selects the row to extract.

// CHECK-LABEL: func.func @learned(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16x8xf32>, %[[T:.+]]: tensor<32x8xf32>
// CHECK-DAG:   %[[FIRST_ROW:.+]] = arith.constant 0 : index
// CHECK-DAG:   %[[LAST_ROW:.+]] = arith.constant 31 : index
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]] : tensor<?x16x8xf32>)
// CHECK:       ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[SEQ:.+]] = linalg.index 1 : index
// CHECK:         %[[LOW:.+]] = arith.maxsi %[[SEQ]], %[[FIRST_ROW]] : index
// CHECK:         %[[ROW:.+]] = arith.minsi %[[LOW]], %[[LAST_ROW]] : index
// CHECK:         %[[J:.+]] = linalg.index 2 : index
// CHECK:         %[[E:.+]] = tensor.extract %[[T]][%[[ROW]], %[[J]]] : tensor<32x8xf32>
// CHECK:         %[[SUM:.+]] = arith.addf %[[IN]], %[[E]] : f32
// CHECK:         linalg.yield %[[SUM]] : f32
// CHECK-NOT:   xfuse.
func.func @learned(%x: tensor<?x16x8xf32>, %table: tensor<32x8xf32>) -> tensor<?x16x8xf32> {
  %y = xfuse.learned_pe %x, %table : tensor<?x16x8xf32>, tensor<32x8xf32>
  return %y : tensor<?x16x8xf32>
}

// -----

// learned_pe in bf16 with i64 positions: both addends extended, the sum
// truncated.

// CHECK-LABEL: func.func @learned_bf16_positions_i64(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<2x4x8xbf16>, %[[T:[^:]+]]: tensor<32x8xbf16>, %[[P:.+]]: tensor<2x4xi64>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]], %[[P]] : tensor<2x4x8xbf16>, tensor<2x4xi64>)
// CHECK:       ^bb0(%[[IN:.+]]: bf16, %[[PIN:.+]]: i64, %{{.+}}: bf16):
// CHECK:         %[[XF:.+]] = arith.extf %[[IN]] : bf16 to f32
// CHECK:         %[[POS:.+]] = arith.index_cast %[[PIN]] : i64 to index
// CHECK:         %[[LOW:.+]] = arith.maxsi %[[POS]], %{{.+}} : index
// CHECK:         %[[ROW:.+]] = arith.minsi %[[LOW]], %{{.+}} : index
// CHECK:         %[[E:.+]] = tensor.extract %[[T]][%[[ROW]], %{{.+}}] : tensor<32x8xbf16>
// CHECK:         %[[EF:.+]] = arith.extf %[[E]] : bf16 to f32
// CHECK:         %[[SUM:.+]] = arith.addf %[[XF]], %[[EF]] : f32
// CHECK:         %[[OUT:.+]] = arith.truncf %[[SUM]] : f32 to bf16
// CHECK:         linalg.yield %[[OUT]] : bf16
// CHECK-NOT:   xfuse.
func.func @learned_bf16_positions_i64(%x: tensor<2x4x8xbf16>, %table: tensor<32x8xbf16>, %pos: tensor<2x4xi64>) -> tensor<2x4x8xbf16> {
  %y = xfuse.learned_pe %x, %table positions %pos : tensor<2x4x8xbf16>, tensor<32x8xbf16>, tensor<2x4xi64>
  return %y : tensor<2x4x8xbf16>
}

// -----

// Unscaled neox rope with dynamic batch and sequence: the per-feature inverse
// frequencies theta^(-2i/rd) repeated over both halves, the partner j + rd/2
// (mod rd) read with tensor.extract, x cos - partner sin on the first half and
// x cos + partner sin on the second.

// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$FEAT4:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @rope_neox(
// CHECK-SAME:    %[[X:.+]]: tensor<?x?x2x4xf32>
// CHECK:       %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 0.00999999977, 1.000000e+00, 0.00999999977]> : tensor<4xf32>
// CHECK-NOT:   tensor.extract_slice
// CHECK:       %[[EMPTY:.+]] = tensor.empty(%{{.+}}, %{{.+}}) : tensor<?x?x2x4xf32>
// CHECK:       %[[ROPE:.+]] = linalg.generic
// CHECK-SAME:    indexing_maps = [#[[$ID4]], #[[$FEAT4]], #[[$ID4]]]
// CHECK-SAME:    ins(%[[X]], %[[FREQ]] : tensor<?x?x2x4xf32>, tensor<4xf32>)
// CHECK-SAME:    outs(%[[EMPTY]] : tensor<?x?x2x4xf32>)
// CHECK:       ^bb0(%[[IN:.+]]: f32, %[[F:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[SEQ:.+]] = linalg.index 1 : index
// CHECK:         %[[SEQ64:.+]] = arith.index_cast %[[SEQ]] : index to i64
// CHECK:         %[[POS:.+]] = arith.sitofp %[[SEQ64]] : i64 to f32
// CHECK:         %[[ANGLE:.+]] = arith.mulf %[[POS]], %[[F]] : f32
// CHECK:         %[[SIN:.+]] = math.sin %[[ANGLE]] : f32
// CHECK:         %[[COS:.+]] = math.cos %[[ANGLE]] : f32
// CHECK-NOT:     arith.mulf %[[COS]]
// CHECK:         %[[I0:.+]] = linalg.index 0 : index
// CHECK:         %[[I1:.+]] = linalg.index 1 : index
// CHECK:         %[[I2:.+]] = linalg.index 2 : index
// CHECK:         %[[J:.+]] = linalg.index 3 : index
// CHECK:         %[[SHIFTED:.+]] = arith.addi %[[J]], %c2{{(_[0-9]+)?}} : index
// CHECK:         %[[PARTNER_J:.+]] = arith.remui %[[SHIFTED]], %c4{{(_[0-9]+)?}} : index
// CHECK:         %[[PARTNER:.+]] = tensor.extract %[[X]][%[[I0]], %[[I1]], %[[I2]], %[[PARTNER_J]]] : tensor<?x?x2x4xf32>
// CHECK:         %[[XCOS:.+]] = arith.mulf %[[IN]], %[[COS]] : f32
// CHECK:         %[[PSIN:.+]] = arith.mulf %[[PARTNER]], %[[SIN]] : f32
// CHECK:         %[[DIFF:.+]] = arith.subf %[[XCOS]], %[[PSIN]] : f32
// CHECK:         %[[SUM:.+]] = arith.addf %[[XCOS]], %[[PSIN]] : f32
// CHECK:         %[[FIRST:.+]] = arith.cmpi ult, %[[J]], %c2{{(_[0-9]+)?}} : index
// CHECK:         %[[OUT:.+]] = arith.select %[[FIRST]], %[[DIFF]], %[[SUM]] : f32
// CHECK:         linalg.yield %[[OUT]] : f32
// CHECK-NOT:   tensor.insert_slice
// CHECK:       return %[[ROPE]]
// CHECK-NOT:   xfuse.
func.func @rope_neox(%x: tensor<?x?x2x4xf32>) -> tensor<?x?x2x4xf32> {
  %y = xfuse.rope %x : tensor<?x?x2x4xf32>
  return %y : tensor<?x?x2x4xf32>
}

// -----

// gptj rope in bf16 with i64 positions: frequencies repeated per adjacent
// pair, the partner j xor 1, the even feature of a pair first.

// CHECK-DAG: #[[$TOK4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @rope_gptj_bf16_positions_i64(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<1x3x2x4xbf16>, %[[P:.+]]: tensor<1x3xi64>
// CHECK:       %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 1.000000e+00, 0.00999999977, 0.00999999977]> : tensor<4xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    indexing_maps = [#{{.+}}, #{{.+}}, #[[$TOK4]], #{{.+}}]
// CHECK-SAME:    ins(%[[X]], %[[FREQ]], %[[P]] : tensor<1x3x2x4xbf16>, tensor<4xf32>, tensor<1x3xi64>)
// CHECK:       ^bb0(%[[IN:.+]]: bf16, %[[F:.+]]: f32, %[[PIN:.+]]: i64, %{{.+}}: bf16):
// CHECK:         %[[XF:.+]] = arith.extf %[[IN]] : bf16 to f32
// CHECK:         %[[POS:.+]] = arith.sitofp %[[PIN]] : i64 to f32
// CHECK:         %[[ANGLE:.+]] = arith.mulf %[[POS]], %[[F]] : f32
// CHECK:         %[[J:.+]] = linalg.index 3 : index
// CHECK:         %[[PARTNER_J:.+]] = arith.xori %[[J]], %c1{{(_[0-9]+)?}} : index
// CHECK:         %[[PARTNER:.+]] = tensor.extract %[[X]][%{{.+}}, %{{.+}}, %{{.+}}, %[[PARTNER_J]]] : tensor<1x3x2x4xbf16>
// CHECK:         %[[PARTNER_F:.+]] = arith.extf %[[PARTNER]] : bf16 to f32
// CHECK:         %[[XCOS:.+]] = arith.mulf %[[XF]], %{{.+}} : f32
// CHECK:         %[[PSIN:.+]] = arith.mulf %[[PARTNER_F]], %{{.+}} : f32
// CHECK:         %[[PARITY:.+]] = arith.andi %[[J]], %c1{{(_[0-9]+)?}} : index
// CHECK:         %[[EVEN:.+]] = arith.cmpi eq, %[[PARITY]], %c0{{(_[0-9]+)?}} : index
// CHECK:         %[[OUT:.+]] = arith.select %[[EVEN]]
// CHECK:         %[[OUT_BF16:.+]] = arith.truncf %[[OUT]] : f32 to bf16
// CHECK:         linalg.yield %[[OUT_BF16]] : bf16
// CHECK-NOT:   xfuse.
func.func @rope_gptj_bf16_positions_i64(%x: tensor<1x3x2x4xbf16>, %pos: tensor<1x3xi64>) -> tensor<1x3x2x4xbf16> {
  %y = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>} : tensor<1x3x2x4xbf16>, tensor<1x3xi64>
  return %y : tensor<1x3x2x4xbf16>
}

// -----

// Partial rotary: the generic rotates only the first rotary_dim features,
// sliced out of the input, and its result is inserted back into the input so
// that the other features pass through.

// CHECK-LABEL: func.func @rope_partial(
// CHECK-SAME:    %[[X:.+]]: tensor<?x3x2x8xf32>
// CHECK:       %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 0.00999999977, 1.000000e+00, 0.00999999977]> : tensor<4xf32>
// CHECK:       %[[B:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3x2x8xf32>
// CHECK:       %[[ROT:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [%[[B]], 3, 2, 4] [1, 1, 1, 1] : tensor<?x3x2x8xf32> to tensor<?x3x2x4xf32>
// CHECK:       %[[ROTATED:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[ROT]], %[[FREQ]] : tensor<?x3x2x4xf32>, tensor<4xf32>)
// CHECK:         tensor.extract %[[ROT]]
// CHECK:       } -> tensor<?x3x2x4xf32>
// CHECK:       %[[OUT:.+]] = tensor.insert_slice %[[ROTATED]] into %[[X]][0, 0, 0, 0] [%[[B]], 3, 2, 4] [1, 1, 1, 1] : tensor<?x3x2x4xf32> into tensor<?x3x2x8xf32>
// CHECK:       return %[[OUT]]
// CHECK-NOT:   xfuse.
func.func @rope_partial(%x: tensor<?x3x2x8xf32>) -> tensor<?x3x2x8xf32> {
  %y = xfuse.rope %x {rotary_dim = 4 : i64} : tensor<?x3x2x8xf32>
  return %y : tensor<?x3x2x8xf32>
}

// -----

// Linear scaling divides every frequency by the factor at compile time.

// CHECK-LABEL: func.func @rope_linear(
// CHECK:       arith.constant dense<[5.000000e-01, 5.000000e-03, 5.000000e-01, 5.000000e-03]> : tensor<4xf32>
// CHECK:       linalg.generic
// CHECK-NOT:   xfuse.
func.func @rope_linear(%x: tensor<3x2x4xf32>) -> tensor<3x2x4xf32> {
  %y = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = 2.0>} : tensor<3x2x4xf32>
  return %y : tensor<3x2x4xf32>
}

// -----

// YaRN: the high frequency kept, the low one divided by the factor, and cos
// and sin multiplied by the attention factor 0.1 ln(4) + 1.

// CHECK-LABEL: func.func @rope_yarn(
// CHECK-DAG:   %[[FREQ:.+]] = arith.constant dense<[1.000000e+00, 2.500000e-03, 1.000000e+00, 2.500000e-03]> : tensor<4xf32>
// CHECK-DAG:   %[[ATTENTION:.+]] = arith.constant 1.13862944 : f32
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%{{.+}}, %[[FREQ]] :
// CHECK:         %[[SIN:.+]] = math.sin
// CHECK:         %[[COS:.+]] = math.cos
// CHECK:         arith.mulf %[[COS]], %[[ATTENTION]] : f32
// CHECK:         arith.mulf %[[SIN]], %[[ATTENTION]] : f32
// CHECK-NOT:   xfuse.
func.func @rope_yarn(%x: tensor<3x2x4xf32>) -> tensor<3x2x4xf32> {
  %y = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>} : tensor<3x2x4xf32>
  return %y : tensor<3x2x4xf32>
}

// -----

// Llama 3: the two high-frequency pairs kept, the lowest divided by the
// factor, the third smoothly in between.

// CHECK-LABEL: func.func @rope_llama3(
// CHECK:       arith.constant dense<[1.000000e+00, 0.0376060307, 5.24846138E-4, 6.64786967E-6, 1.000000e+00, 0.0376060307, 5.24846138E-4, 6.64786967E-6]> : tensor<8xf32>
// CHECK:       linalg.generic
// CHECK-NOT:   xfuse.
func.func @rope_llama3(%x: tensor<3x2x8xf32>) -> tensor<3x2x8xf32> {
  %y = xfuse.rope %x {theta = 500000.0 : f64, scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>} : tensor<3x2x8xf32>
  return %y : tensor<3x2x8xf32>
}

// -----

// Dynamic NTK with i32 positions: L = max(positions) + 1 by a reduction
// seeded with the smallest i32; base' = theta * (factor L / omp - (factor -
// 1))^(rd / (rd - 2)) if L > omp, else theta; the frequencies base'^(-2i/rd)
// are a generic over a constant table of exponents.

// CHECK-LABEL: func.func @rope_dynamic_ntk_positions(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x2x4xf32>, %[[P:.+]]: tensor<?x?xi32>
// CHECK:       %[[SMALLEST:.+]] = arith.constant -2147483648 : i32
// CHECK:       %[[INIT:.+]] = tensor.empty() : tensor<i32>
// CHECK:       %[[FILL:.+]] = linalg.fill ins(%[[SMALLEST]] : i32) outs(%[[INIT]] : tensor<i32>) -> tensor<i32>
// CHECK:       %[[MAX:.+]] = linalg.reduce ins(%[[P]] : tensor<?x?xi32>) outs(%[[FILL]] : tensor<i32>) dimensions = [0, 1]
// CHECK:         arith.maxsi
// CHECK:       %[[LARGEST:.+]] = tensor.extract %[[MAX]][] : tensor<i32>
// CHECK:       %[[LARGEST_F:.+]] = arith.sitofp %[[LARGEST]] : i32 to f32
// CHECK:       %[[LENGTH:.+]] = arith.addf %[[LARGEST_F]], %{{.+}} : f32
// CHECK-DAG:   %[[THETA:.+]] = arith.constant 1.000000e+04 : f32
// CHECK-DAG:   %[[OMP:.+]] = arith.constant 1.600000e+01 : f32
// CHECK-DAG:   %[[FACTOR:.+]] = arith.constant 4.000000e+00 : f32
// CHECK-DAG:   %[[FACTOR_M1:.+]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG:   %[[EXP:.+]] = arith.constant 2.000000e+00 : f32
// CHECK:       %[[SL:.+]] = arith.mulf %[[FACTOR]], %[[LENGTH]] : f32
// CHECK:       %[[RATIO:.+]] = arith.divf %[[SL]], %[[OMP]] : f32
// CHECK:       %[[STRETCH:.+]] = arith.subf %[[RATIO]], %[[FACTOR_M1]] : f32
// CHECK:       %[[POW:.+]] = math.powf %[[STRETCH]], %[[EXP]] : f32
// CHECK:       %[[SCALED:.+]] = arith.mulf %[[THETA]], %[[POW]] : f32
// CHECK:       %[[OUTGROWN:.+]] = arith.cmpf ogt, %[[LENGTH]], %[[OMP]] : f32
// CHECK:       %[[BASE:.+]] = arith.select %[[OUTGROWN]], %[[SCALED]], %[[THETA]] : f32
// CHECK:       %[[EXPONENTS:.+]] = arith.constant dense<[-0.000000e+00, -5.000000e-01, -0.000000e+00, -5.000000e-01]> : tensor<4xf32>
// CHECK:       %[[FREQ:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[EXPONENTS]] : tensor<4xf32>)
// CHECK:       ^bb0(%[[E:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[INV:.+]] = math.powf %[[BASE]], %[[E]] : f32
// CHECK:         linalg.yield %[[INV]] : f32
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]], %[[FREQ]], %[[P]] : tensor<?x?x2x4xf32>, tensor<4xf32>, tensor<?x?xi32>)
// CHECK-NOT:   xfuse.
func.func @rope_dynamic_ntk_positions(%x: tensor<?x?x2x4xf32>, %pos: tensor<?x?xi32>) -> tensor<?x?x2x4xf32> {
  %y = xfuse.rope %x positions %pos {scaling = #xfuse.dynamic_ntk_scaling<factor = 4.0, original_max_position = 16>} : tensor<?x?x2x4xf32>, tensor<?x?xi32>
  return %y : tensor<?x?x2x4xf32>
}

// -----

// Dynamic NTK without positions: L is the (dynamic) sequence length.

// CHECK-LABEL: func.func @rope_dynamic_ntk_sequence(
// CHECK-SAME:    %[[X:.+]]: tensor<2x?x2x8xf32>
// CHECK-NOT:   linalg.reduce
// CHECK:       %[[SEQ:.+]] = tensor.dim %[[X]], %c1{{(_[0-9]+)?}} : tensor<2x?x2x8xf32>
// CHECK:       %[[SEQ64:.+]] = arith.index_cast %[[SEQ]] : index to i64
// CHECK:       %[[LENGTH:.+]] = arith.sitofp %[[SEQ64]] : i64 to f32
// CHECK:       arith.cmpf ogt, %[[LENGTH]]
// CHECK:       math.powf
// CHECK-NOT:   xfuse.
func.func @rope_dynamic_ntk_sequence(%x: tensor<2x?x2x8xf32>) -> tensor<2x?x2x8xf32> {
  %y = xfuse.rope %x {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 16>} : tensor<2x?x2x8xf32>
  return %y : tensor<2x?x2x8xf32>
}

// -----

// LongRoPE: L = max(positions) + 1 as for dynamic NTK; both factor sets'
// frequencies are constants (short: 1 / 1, 0.01 / 2; long: 1 / 4,
// 0.01 / 8), L > original_max_position selects one, and cos and sin take
// the attention factor sqrt(1 + ln(64 / 16) / ln 16).

// CHECK-LABEL: func.func @rope_longrope(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x4x2x4xf32>, %[[P:.+]]: tensor<?x4xi64>
// CHECK:       %[[ATTENTION:.+]] = arith.constant 1.22474492 : f32
// CHECK:       linalg.reduce ins(%[[P]] : tensor<?x4xi64>)
// CHECK:       %[[LENGTH:.+]] = arith.addf
// CHECK:       %[[OMP:.+]] = arith.constant 1.600000e+01 : f32
// CHECK:       %[[OUTGROWN:.+]] = arith.cmpf ogt, %[[LENGTH]], %[[OMP]] : f32
// CHECK-DAG:   %[[SHORT:.+]] = arith.constant dense<[1.000000e+00, 5.000000e-03, 1.000000e+00, 5.000000e-03]> : tensor<4xf32>
// CHECK-DAG:   %[[LONG:.+]] = arith.constant dense<[2.500000e-01, 1.250000e-03, 2.500000e-01, 1.250000e-03]> : tensor<4xf32>
// CHECK:       %[[FREQ:.+]] = arith.select %[[OUTGROWN]], %[[LONG]], %[[SHORT]] : tensor<4xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]], %[[FREQ]], %[[P]] : tensor<?x4x2x4xf32>, tensor<4xf32>, tensor<?x4xi64>)
// CHECK:         %[[SIN:.+]] = math.sin
// CHECK:         %[[COS:.+]] = math.cos
// CHECK:         arith.mulf %[[COS]], %[[ATTENTION]] : f32
// CHECK:         arith.mulf %[[SIN]], %[[ATTENTION]] : f32
// CHECK-NOT:   xfuse.
func.func @rope_longrope(%x: tensor<?x4x2x4xf32>, %pos: tensor<?x4xi64>) -> tensor<?x4x2x4xf32> {
  %y = xfuse.rope %x positions %pos {theta = 10000.0 : f64, scaling = #xfuse.longrope_scaling<original_max_position = 16, max_position = 64, short_factor = [1.0, 2.0], long_factor = [4.0, 8.0]>} : tensor<?x4x2x4xf32>, tensor<?x4xi64>
  return %y : tensor<?x4x2x4xf32>
}

// -----

// Multimodal RoPE: a generic gathers each token's position per feature,
// from the row of the feature's pair (interleaved [1, 2, 1]: pairs 0, 3
// temporal, 1 height, 2 width), read through the pair of the neox feature
// (feature mod 4); the rotation reads it per token and feature.

// CHECK-DAG:   #[[$PAIR:.+]] = affine_map<(d0, d1, d2) -> (d2 mod 4)>
// CHECK-DAG:   #[[$TOKENS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[$PER_FEATURE:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @rope_multimodal(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x4x2x8xf32>, %[[P:.+]]: tensor<3x?x4xi32>
// CHECK-DAG:   %[[ROWS:.+]] = arith.constant dense<[0, 1, 2, 0]> : tensor<4xi64>
// CHECK:       %[[GATHERED:.+]] = linalg.generic {indexing_maps = [#[[$PAIR]], #[[$TOKENS]]]
// CHECK-SAME:    ins(%[[ROWS]] : tensor<4xi64>) outs(%{{.+}} : tensor<?x4x8xi32>)
// CHECK:       ^bb0(%[[ROW:.+]]: i64, %{{.+}}: i32):
// CHECK:         %[[ROW_INDEX:.+]] = arith.index_cast %[[ROW]] : i64 to index
// CHECK:         %[[I0:.+]] = linalg.index 0 : index
// CHECK:         %[[I1:.+]] = linalg.index 1 : index
// CHECK:         %[[POS:.+]] = tensor.extract %[[P]][%[[ROW_INDEX]], %[[I0]], %[[I1]]] : tensor<3x?x4xi32>
// CHECK:         linalg.yield %[[POS]] : i32
// CHECK:       linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[$PER_FEATURE]], #{{.+}}]
// CHECK-SAME:    ins(%[[X]], %{{.+}}, %[[GATHERED]] : tensor<?x4x2x8xf32>, tensor<8xf32>, tensor<?x4x8xi32>)
// CHECK-NOT:   xfuse.
func.func @rope_multimodal(%x: tensor<?x4x2x8xf32>, %pos: tensor<3x?x4xi32>) -> tensor<?x4x2x8xf32> {
  %y = xfuse.rope %x positions %pos {mrope_section = array<i64: 1, 2, 1>, mrope_interleaved} : tensor<?x4x2x8xf32>, tensor<3x?x4xi32>
  return %y : tensor<?x4x2x8xf32>
}

// -----

// Multimodal gptj pairs of a partial rotary slice: feature f reads pair
// f floordiv 2 (bands [1, 0, 1]: pair 0 temporal, pair 1 width).

// CHECK-DAG:   #[[$PAIR:.+]] = affine_map<(d0, d1) -> (d1 floordiv 2)>
// CHECK-LABEL: func.func @rope_multimodal_gptj_partial(
// CHECK:       %[[SLICE:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [4, 2, 4] [1, 1, 1]
// CHECK-DAG:   %[[ROWS:.+]] = arith.constant dense<[0, 2]> : tensor<2xi64>
// CHECK:       %[[GATHERED:.+]] = linalg.generic {indexing_maps = [#[[$PAIR]], #{{.+}}]
// CHECK-SAME:    ins(%[[ROWS]] : tensor<2xi64>) outs(%{{.+}} : tensor<4x4xi64>)
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[SLICE]], %{{.+}}, %[[GATHERED]] : tensor<4x2x4xf32>, tensor<4xf32>, tensor<4x4xi64>)
// CHECK:       tensor.insert_slice
// CHECK-NOT:   xfuse.
func.func @rope_multimodal_gptj_partial(%x: tensor<4x2x8xf32>, %pos: tensor<3x4xi64>) -> tensor<4x2x8xf32> {
  %y = xfuse.rope %x positions %pos {rotary_dim = 4, style = #xfuse.rope_style<gptj>, mrope_section = array<i64: 1, 0, 1>} : tensor<4x2x8xf32>, tensor<3x4xi64>
  return %y : tensor<4x2x8xf32>
}
