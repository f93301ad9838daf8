//===- ModelSpec.h - the position-wise parts of a model -------------------===//
//
// What xfuse-import reads from a Hugging Face config.json, in xfuse's terms:
// the sizes, the rotary embedding, the MLP with its norm, and the absolute
// positions of one decoder (or encoder) layer. ConfigReader fills it in,
// GraphBuilder turns it into xfuse functions.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TOOLS_XFUSE_IMPORT_MODELSPEC_H
#define XFUSE_TOOLS_XFUSE_IMPORT_MODELSPEC_H

#include "dialect/XFuseAttrs.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::xfuse::import {

/// The rotary embedding of the query and key heads.
struct RopeSpec {
  explicit RopeSpec(Location location) : location(location) {}

  double theta = 10000.0;
  int64_t rotaryDim = 0;
  RopeStyle style = RopeStyle::neox;
  /// One of the dialect's scaling attributes, or null for none.
  Attribute scaling;
  /// Qwen2-VL's multimodal sections (temporal, height, width); empty for
  /// one row of positions.
  SmallVector<int64_t, 3> mropeSection;
  bool mropeInterleaved = false;
  /// Where the config sets the embedding up (its rope_scaling, else its
  /// head sizes): the location of the rope ops, so that their verifier
  /// points into the config.
  Location location;
};

/// The query and key projections from the hidden states, split into heads
/// and rotated. For DeepSeek's MLA these are the rotary slices of the
/// projections (see docs/import.md).
struct AttentionSpec {
  explicit AttentionSpec(Location location) : rope(location) {}

  int64_t queryHeads = 0;
  int64_t keyHeads = 0;
  int64_t headDim = 0;
  bool projectionBias = false;
  RopeSpec rope;
};

enum class NormKind { rms, layer };

struct NormSpec {
  explicit NormSpec(Location location) : location(location) {}

  NormKind kind = NormKind::rms;
  double epsilon = 1e-6;
  /// Gemma's RMSNorm multiplies by (weight_offset + weight).
  double weightOffset = 0.0;
  /// The config's epsilon field.
  Location location;
};

/// Where the MLP's norms sit around it.
enum class MlpNorms {
  /// norm, MLP (Llama and most decoders).
  pre,
  /// norm, MLP, norm (Gemma 2's pre- and post-feedforward norms).
  preAndPost,
  /// MLP, residual add, norm (BERT's post-norm layer).
  postResidual,
};

struct MlpSpec {
  MlpSpec(Location location, Location normLocation)
      : norm(normLocation), location(location) {}

  int64_t intermediateSize = 0;
  bool gated = true;
  /// An #xfuse.activation, or for a gated MLP also an #xfuse.clamped_swiglu.
  Attribute activation;
  bool bias = false;
  WeightLayout weightLayout = WeightLayout::out_in;
  MlpNorms norms = MlpNorms::pre;
  NormSpec norm;
  /// The config's activation field.
  Location location;
};

/// A learned table of absolute positions added to the embeddings (GPT-2,
/// BERT).
struct LearnedPositionsSpec {
  int64_t tableRows = 0;
  /// The config's field of the table's rows.
  Location location;
};

struct ModelSpec {
  explicit ModelSpec(MlpSpec mlp) : mlp(std::move(mlp)) {}

  /// The config's model_type, e.g. "llama".
  std::string modelType;
  Type elementType;
  int64_t hiddenSize = 0;
  /// Rotary models only.
  std::optional<AttentionSpec> attention;
  MlpSpec mlp;
  std::optional<LearnedPositionsSpec> learnedPositions;
};

} // namespace mlir::xfuse::import

#endif // XFUSE_TOOLS_XFUSE_IMPORT_MODELSPEC_H
