//===- ConfigReader.cpp - a Hugging Face config.json as a ModelSpec -------===//
//
// Field names, defaults and quirks follow transformers 5's configuration
// classes and modeling_rope_utils; docs/import.md lists them per model.
//
//===----------------------------------------------------------------------===//

#include "tools/xfuse-import/ConfigReader.h"

#include "dialect/XFuseAttrs.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <vector>

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::import;

namespace {

//===----------------------------------------------------------------------===//
// Architectures
//===----------------------------------------------------------------------===//

enum class MlpKind {
  /// down(act(gate(x)) * up(x)).
  gated,
  /// down(act(up(x))).
  plain,
  /// gpt-oss's expert MLP: the clamped SwiGLU, whatever hidden_act says.
  clampedSwiglu,
};

/// How one model_type names its sizes and lays out its position-wise parts,
/// with the defaults of its transformers configuration class. The member
/// initializers are the Llama family's conventions; each table entry
/// changes what differs.
struct Architecture {
  StringLiteral modelType;

  StringLiteral hiddenSizeKey = "hidden_size";
  StringLiteral headsKey = "num_attention_heads";
  StringLiteral intermediateSizeKey = "intermediate_size";
  /// intermediate_size = this * hidden_size when the key is absent or null
  /// (GPT-2's n_inner); 0 makes the key required.
  int64_t intermediateSizeMultiple = 0;
  StringLiteral maxPositionsKey = "max_position_embeddings";

  StringLiteral activationKey = "hidden_act";
  StringLiteral defaultActivation = "silu";
  MlpKind mlp = MlpKind::gated;
  /// The key of the MLP biases' switch; empty when `mlpBias` is fixed.
  StringLiteral mlpBiasKey = "";
  bool mlpBias = false;
  WeightLayout weightLayout = WeightLayout::out_in;

  NormKind norm = NormKind::rms;
  StringLiteral epsilonKey = "rms_norm_eps";
  double defaultEpsilon = 1e-6;
  double normWeightOffset = 0.0;
  MlpNorms mlpNorms = MlpNorms::pre;

  /// false: learned absolute positions instead of RoPE.
  bool rotary = true;
  RopeStyle ropeStyle = RopeStyle::neox;
  StringLiteral thetaKey = "rope_theta";
  StringLiteral partialRotaryKey = "partial_rotary_factor";
  double defaultPartialRotary = 1.0;
  /// The key of the q/k projection biases' switch; empty when
  /// `projectionBias` is fixed.
  StringLiteral projectionBiasKey = "attention_bias";
  bool projectionBias = false;
  /// DeepSeek's multi-head latent attention: RoPE on qk_rope_head_dim of
  /// each query head and on one shared key head.
  bool latentAttention = false;
};

const std::vector<Architecture> &architectures() {
  static const std::vector<Architecture> table = [] {
    std::vector<Architecture> table;
    auto add = [&](StringLiteral modelType) -> Architecture & {
      table.push_back(Architecture{modelType});
      return table.back();
    };
    add("llama").mlpBiasKey = "mlp_bias";
    add("mistral");
    {
      // Qwen2Attention's q/k/v projections always have biases.
      Architecture &qwen2 = add("qwen2");
      qwen2.projectionBiasKey = "";
      qwen2.projectionBias = true;
    }
    {
      // The text model of Qwen2-VL is Qwen2's, with multimodal RoPE.
      Architecture &qwen2Vl = add("qwen2_vl");
      qwen2Vl.projectionBiasKey = "";
      qwen2Vl.projectionBias = true;
    }
    {
      // Fused qkv_proj and gate_up_proj, neither with a bias.
      Architecture &phi3 = add("phi3");
      phi3.projectionBiasKey = "";
      phi3.defaultEpsilon = 1e-5;
    }
    {
      Architecture &gemma2 = add("gemma2");
      gemma2.activationKey = "hidden_activation";
      gemma2.defaultActivation = "gelu_pytorch_tanh";
      gemma2.normWeightOffset = 1.0;
      gemma2.mlpNorms = MlpNorms::preAndPost;
    }
    {
      Architecture &neox = add("gpt_neox");
      neox.defaultActivation = "gelu";
      neox.mlp = MlpKind::plain;
      neox.mlpBias = true;
      neox.norm = NormKind::layer;
      neox.epsilonKey = "layer_norm_eps";
      neox.defaultEpsilon = 1e-5;
      neox.thetaKey = "rotary_emb_base";
      neox.partialRotaryKey = "rotary_pct";
      neox.defaultPartialRotary = 0.25;
      neox.projectionBias = true;
    }
    {
      // Conv1D layers store their weights [in, out].
      Architecture &gpt2 = add("gpt2");
      gpt2.hiddenSizeKey = "n_embd";
      gpt2.headsKey = "n_head";
      gpt2.intermediateSizeKey = "n_inner";
      gpt2.intermediateSizeMultiple = 4;
      gpt2.maxPositionsKey = "n_positions";
      gpt2.activationKey = "activation_function";
      gpt2.defaultActivation = "gelu_new";
      gpt2.mlp = MlpKind::plain;
      gpt2.mlpBias = true;
      gpt2.weightLayout = WeightLayout::in_out;
      gpt2.norm = NormKind::layer;
      gpt2.epsilonKey = "layer_norm_epsilon";
      gpt2.defaultEpsilon = 1e-5;
      gpt2.rotary = false;
    }
    {
      Architecture &bert = add("bert");
      bert.defaultActivation = "gelu";
      bert.mlp = MlpKind::plain;
      bert.mlpBias = true;
      bert.norm = NormKind::layer;
      bert.epsilonKey = "layer_norm_eps";
      bert.defaultEpsilon = 1e-12;
      bert.mlpNorms = MlpNorms::postResidual;
      bert.rotary = false;
    }
    {
      // The dense MLP of the first_k_dense_replace layers.
      Architecture &deepseek = add("deepseek_v2");
      deepseek.mlpBiasKey = "mlp_bias";
      deepseek.ropeStyle = RopeStyle::gptj;
      deepseek.projectionBiasKey = "";
      deepseek.latentAttention = true;
    }
    {
      // One expert of the MoE MLP; gate_up_proj is [hidden, 2 * dff].
      Architecture &gptOss = add("gpt_oss");
      gptOss.mlp = MlpKind::clampedSwiglu;
      gptOss.mlpBias = true;
      gptOss.weightLayout = WeightLayout::in_out;
      gptOss.defaultEpsilon = 1e-5;
      gptOss.projectionBias = true;
    }
    return table;
  }();
  return table;
}

const Architecture *findArchitecture(StringRef modelType) {
  for (const Architecture &architecture : architectures())
    if (architecture.modelType == modelType)
      return &architecture;
  return nullptr;
}

constexpr StringLiteral kRopeTypes[] = {"default",  "linear", "dynamic", "yarn",
                                        "longrope", "llama3", "mrope"};

//===----------------------------------------------------------------------===//
// Located access to the JSON
//===----------------------------------------------------------------------===//

/// The config's text, to locate fields in.
class ConfigSource {
public:
  ConfigSource(const llvm::SourceMgr &sourceMgr, MLIRContext *context)
      : sourceMgr(sourceMgr), context(context),
        buffer(sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())) {}

  StringRef text() const { return buffer->getBuffer(); }
  MLIRContext *getContext() const { return context; }

  /// Where the field at `path` is written: each key's first occurrence after
  /// the previous one's, which is where a config.json written by
  /// transformers (one key per line, nested objects in place) has it. A key
  /// that is not written is located at its innermost written parent (the
  /// start of the file for a missing top-level key).
  Location locate(ArrayRef<std::string> path) const {
    size_t offset = 0;
    for (const std::string &key : path) {
      size_t found = text().find("\"" + key + "\"", offset);
      if (found == StringRef::npos)
        break;
      offset = found;
    }
    auto [line, column] = sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(text().data() + offset));
    return FileLineColLoc::get(context, buffer->getBufferIdentifier(), line,
                               column);
  }

private:
  const llvm::SourceMgr &sourceMgr;
  MLIRContext *context;
  const llvm::MemoryBuffer *buffer;
};

StringRef kindName(const llvm::json::Value &value) {
  switch (value.kind()) {
  case llvm::json::Value::Null:
    return "null";
  case llvm::json::Value::Boolean:
    return "a boolean";
  case llvm::json::Value::Number:
    return "a number";
  case llvm::json::Value::String:
    return "a string";
  case llvm::json::Value::Array:
    return "an array";
  case llvm::json::Value::Object:
    return "an object";
  }
  llvm_unreachable("unknown JSON kind");
}

/// One JSON object of the config with its path from the root. Accessors
/// treat a null field as an absent one, as transformers does, and report a
/// field of the wrong kind at its location.
class ConfigObject {
public:
  ConfigObject(const ConfigSource &source, const llvm::json::Object &object,
               SmallVector<std::string> path = {})
      : source(&source), object(&object), path(std::move(path)) {}

  /// `key` spelled from the root, e.g. `rope_scaling.factor`.
  std::string fieldName(StringRef key) const {
    std::string name;
    for (const std::string &part : path)
      name += part + ".";
    return name + key.str();
  }

  /// Where `key` is written (this object's start when it is not).
  Location locate(StringRef key) const {
    SmallVector<std::string> keyPath(path);
    keyPath.push_back(key.str());
    return source->locate(keyPath);
  }

  /// Where this object is written.
  Location location() const { return source->locate(path); }

  /// An error at this object, starting with its name.
  InFlightDiagnostic error() const {
    return emitError(location()) << "field '" << llvm::join(path, ".") << "': ";
  }

  /// An error at `key`, starting with its name.
  InFlightDiagnostic error(StringRef key) const {
    return emitError(locate(key)) << "field '" << fieldName(key) << "': ";
  }

  MLIRContext *getContext() const { return source->getContext(); }

  bool has(StringRef key) const {
    const llvm::json::Value *value = object->get(key);
    return value && value->kind() != llvm::json::Value::Null;
  }

  FailureOr<std::optional<double>> optionalReal(StringRef key) const {
    return get<double>(key, "a number", [](const llvm::json::Value &value) {
      return value.getAsNumber();
    });
  }

  FailureOr<std::optional<int64_t>> optionalInteger(StringRef key) const {
    return get<int64_t>(key, "an integer", [](const llvm::json::Value &value) {
      return value.getAsInteger();
    });
  }

  FailureOr<std::optional<bool>> optionalBool(StringRef key) const {
    return get<bool>(key, "true or false", [](const llvm::json::Value &value) {
      return value.getAsBoolean();
    });
  }

  FailureOr<std::optional<StringRef>> optionalString(StringRef key) const {
    return get<StringRef>(key, "a string", [](const llvm::json::Value &value) {
      return value.getAsString();
    });
  }

  FailureOr<std::optional<ConfigObject>> optionalObject(StringRef key) const {
    return get<ConfigObject>(
        key, "an object",
        [&](const llvm::json::Value &value) -> std::optional<ConfigObject> {
          const llvm::json::Object *nested = value.getAsObject();
          if (!nested)
            return std::nullopt;
          SmallVector<std::string> nestedPath(path);
          nestedPath.push_back(key.str());
          return ConfigObject(*source, *nested, std::move(nestedPath));
        });
  }

  FailureOr<std::optional<SmallVector<double>>>
  optionalRealList(StringRef key) const {
    return getList<double>(
        key, "a list of numbers",
        [](const llvm::json::Value &value) { return value.getAsNumber(); });
  }

  FailureOr<std::optional<SmallVector<int64_t>>>
  optionalIntegerList(StringRef key) const {
    return getList<int64_t>(
        key, "a list of integers",
        [](const llvm::json::Value &value) { return value.getAsInteger(); });
  }

  /// The positive integer at `key`, or `fallback` when it is absent.
  FailureOr<int64_t>
  positiveInteger(StringRef key,
                  std::optional<int64_t> fallback = std::nullopt) const {
    FailureOr<std::optional<int64_t>> value = optionalInteger(key);
    if (failed(value))
      return failure();
    if (!*value && !fallback)
      return error(key) << "expected a positive integer, but the field is "
                           "missing";
    int64_t result = value->value_or(fallback.value_or(0));
    if (result <= 0)
      return error(key) << "expected a positive integer, but got " << result;
    return result;
  }

  /// The positive real at `key`, or `fallback` when it is absent.
  FailureOr<double> positiveReal(StringRef key,
                                 std::optional<double> fallback) const {
    FailureOr<std::optional<double>> value = optionalReal(key);
    if (failed(value))
      return failure();
    if (!*value && !fallback)
      return error(key) << "expected a positive number, but the field is "
                           "missing";
    double result = value->value_or(fallback.value_or(0.0));
    if (!(result > 0.0) || !std::isfinite(result))
      return error(key) << "expected a positive number, but got "
                        << formatReal(result);
    return result;
  }

  /// The string at `key`, or `fallback` when it is absent.
  FailureOr<StringRef> string(StringRef key, StringRef fallback) const {
    FailureOr<std::optional<StringRef>> value = optionalString(key);
    if (failed(value))
      return failure();
    return value->value_or(fallback);
  }

private:
  template <typename T, typename Convert>
  FailureOr<std::optional<T>> get(StringRef key, StringRef expected,
                                  Convert convert) const {
    std::optional<T> result;
    if (!has(key))
      return result;
    const llvm::json::Value &value = *object->get(key);
    result = convert(value);
    if (!result)
      return error(key) << "expected " << expected << ", but got "
                        << kindName(value);
    return result;
  }

  template <typename T, typename Convert>
  FailureOr<std::optional<SmallVector<T>>>
  getList(StringRef key, StringRef expected, Convert convert) const {
    if (!has(key))
      return std::optional<SmallVector<T>>();
    const llvm::json::Array *array = object->get(key)->getAsArray();
    if (!array)
      return error(key) << "expected " << expected << ", but got "
                        << kindName(*object->get(key));
    SmallVector<T> list;
    for (auto [index, element] : llvm::enumerate(*array)) {
      std::optional<T> converted = convert(element);
      if (!converted)
        return error(key) << "expected " << expected << ", but entry " << index
                          << " is " << kindName(element);
      list.push_back(*converted);
    }
    return std::optional<SmallVector<T>>(std::move(list));
  }

  const ConfigSource *source;
  const llvm::json::Object *object;
  SmallVector<std::string> path;
};

//===----------------------------------------------------------------------===//
// The parts
//===----------------------------------------------------------------------===//

FailureOr<Type> readElementType(const ConfigObject &config,
                                MLIRContext *context) {
  // transformers 5 writes `dtype`, earlier versions `torch_dtype`; a model
  // is built in float32 when neither is given.
  StringRef key = config.has("dtype") ? "dtype" : "torch_dtype";
  FailureOr<StringRef> name = config.string(key, "float32");
  if (failed(name))
    return failure();
  if (*name == "float32")
    return Type(Float32Type::get(context));
  if (*name == "float16")
    return Type(Float16Type::get(context));
  if (*name == "bfloat16")
    return Type(BFloat16Type::get(context));
  return config.error(key)
         << "unsupported dtype '" << *name
         << "'; supported: float32, float16, bfloat16 (or pass --dtype)";
}

/// `attribute`, or failure where getChecked rejected its parameters (and
/// reported why).
FailureOr<Attribute> checked(Attribute attribute) {
  if (!attribute)
    return failure();
  return attribute;
}

/// The RoPE scaling attribute of `ropeType`, whose parameters `params`
/// holds (absent for a default RoPE).
FailureOr<Attribute> readScaling(const ConfigObject &config,
                                 const std::optional<ConfigObject> &params,
                                 StringRef ropeType,
                                 StringRef maxPositionsKey) {
  MLIRContext *context = config.getContext();
  if (ropeType == "default" || ropeType == "mrope")
    return Attribute();
  auto attributeError = [&] { return params->error(); };

  // The scaling types below take their parameters from the dict.
  FailureOr<std::optional<double>> factor = params->optionalReal("factor");
  if (failed(factor))
    return failure();
  auto requireFactor = [&]() -> FailureOr<double> {
    if (!*factor)
      return params->error("factor")
             << "rope_type '" << ropeType << "' needs a factor";
    return **factor;
  };
  auto real = [](double value) { return llvm::APFloat(value); };

  if (ropeType == "linear") {
    FailureOr<double> scale = requireFactor();
    if (failed(scale))
      return failure();
    return checked(
        LinearScalingAttr::getChecked(attributeError, context, real(*scale)));
  }

  FailureOr<int64_t> maxPositions = config.positiveInteger(maxPositionsKey);
  if (failed(maxPositions))
    return failure();
  if (ropeType == "dynamic") {
    // transformers' dynamic NTK compares the sequence with
    // max_position_embeddings, not with original_max_position_embeddings.
    FailureOr<double> scale = requireFactor();
    if (failed(scale))
      return failure();
    return checked(DynamicNtkScalingAttr::getChecked(
        attributeError, context, real(*scale), *maxPositions));
  }

  // llama3, yarn and longrope: transformers gives a top-level
  // original_max_position_embeddings (Phi-3) priority over the dict's, and
  // falls back to max_position_embeddings.
  FailureOr<std::optional<int64_t>> topLevelOriginal =
      config.optionalInteger("original_max_position_embeddings");
  FailureOr<std::optional<int64_t>> dictOriginal =
      params->optionalInteger("original_max_position_embeddings");
  if (failed(topLevelOriginal) || failed(dictOriginal))
    return failure();
  int64_t originalMaxPositions =
      topLevelOriginal->value_or(dictOriginal->value_or(*maxPositions));

  if (ropeType == "llama3") {
    FailureOr<double> scale = requireFactor();
    FailureOr<double> lowFreqFactor =
        params->positiveReal("low_freq_factor", std::nullopt);
    FailureOr<double> highFreqFactor =
        params->positiveReal("high_freq_factor", std::nullopt);
    if (failed(scale) || failed(lowFreqFactor) || failed(highFreqFactor))
      return failure();
    return checked(Llama3ScalingAttr::getChecked(
        attributeError, context, real(*scale), real(*lowFreqFactor),
        real(*highFreqFactor), originalMaxPositions));
  }

  FailureOr<std::optional<double>> attentionFactor =
      params->optionalReal("attention_factor");
  if (failed(attentionFactor))
    return failure();
  auto optionalReal = [&](std::optional<double> value) {
    return value ? std::optional<llvm::APFloat>(real(*value)) : std::nullopt;
  };

  if (ropeType == "yarn") {
    // beta_fast and beta_slow are read with `or 32` / `or 1`: a 0 is the
    // default too, and so are absent mscales.
    FailureOr<std::optional<double>> betaFast =
        params->optionalReal("beta_fast");
    FailureOr<std::optional<double>> betaSlow =
        params->optionalReal("beta_slow");
    FailureOr<std::optional<double>> mscale = params->optionalReal("mscale");
    FailureOr<std::optional<double>> mscaleAllDim =
        params->optionalReal("mscale_all_dim");
    FailureOr<std::optional<bool>> truncate = params->optionalBool("truncate");
    if (failed(betaFast) || failed(betaSlow) || failed(mscale) ||
        failed(mscaleAllDim) || failed(truncate))
      return failure();
    double scale = factor->value_or(static_cast<double>(*maxPositions) /
                                    originalMaxPositions);
    auto orDefault = [](std::optional<double> value, double fallback) {
      return value && *value != 0.0 ? *value : fallback;
    };
    return checked(YarnScalingAttr::getChecked(
        attributeError, context, real(scale), originalMaxPositions,
        real(orDefault(*betaFast, 32.0)), real(orDefault(*betaSlow, 1.0)),
        optionalReal(*attentionFactor), real(mscale->value_or(0.0)),
        real(mscaleAllDim->value_or(0.0)), truncate->value_or(true)));
  }

  assert(ropeType == "longrope" && "every rope_type is handled");
  FailureOr<std::optional<SmallVector<double>>> shortFactor =
      params->optionalRealList("short_factor");
  FailureOr<std::optional<SmallVector<double>>> longFactor =
      params->optionalRealList("long_factor");
  if (failed(shortFactor) || failed(longFactor))
    return failure();
  if (!*shortFactor)
    return params->error("short_factor") << "rope_type 'longrope' needs "
                                            "short_factor";
  if (!*longFactor)
    return params->error("long_factor") << "rope_type 'longrope' needs "
                                           "long_factor";
  return checked(LongRopeScalingAttr::getChecked(
      attributeError, context, originalMaxPositions,
      std::optional<int64_t>(*maxPositions), optionalReal(*factor),
      optionalReal(*attentionFactor),
      DenseF64ArrayAttr::get(context, **shortFactor),
      DenseF64ArrayAttr::get(context, **longFactor)));
}

/// The rotary embedding of a model whose heads are `headDim` wide.
FailureOr<RopeSpec> readRope(const ConfigObject &config,
                             const Architecture &architecture,
                             int64_t headDim) {
  // transformers reads rope_scaling before rope_parameters (its 5.x name);
  // both hold the same dict.
  std::optional<ConfigObject> params;
  for (StringRef key : {"rope_scaling", "rope_parameters"}) {
    FailureOr<std::optional<ConfigObject>> dict = config.optionalObject(key);
    if (failed(dict))
      return failure();
    if (*dict) {
      params = *dict;
      break;
    }
  }

  RopeSpec rope(params ? params->location()
                       : config.locate(config.has(architecture.thetaKey)
                                           ? architecture.thetaKey
                                           : architecture.headsKey));
  rope.style = architecture.ropeStyle;
  StringRef ropeType = "default";
  if (params) {
    StringRef typeKey = params->has("rope_type") ? "rope_type" : "type";
    FailureOr<StringRef> type = params->string(typeKey, "default");
    if (failed(type))
      return failure();
    ropeType = *type;
    if (!llvm::is_contained(kRopeTypes, ropeType))
      return params->error(typeKey)
             << "unsupported rope_type '" << ropeType << "'; supported: "
             << llvm::join(ArrayRef<StringLiteral>(kRopeTypes), ", ");
  }

  // rope_theta: the dict's, the config's, the class default.
  FailureOr<std::optional<double>> dictTheta =
      params ? params->optionalReal("rope_theta")
             : FailureOr<std::optional<double>>(std::nullopt);
  if (failed(dictTheta))
    return failure();
  if (*dictTheta) {
    rope.theta = **dictTheta;
  } else {
    FailureOr<double> theta =
        config.positiveReal(architecture.thetaKey, 10000.0);
    if (failed(theta))
      return failure();
    rope.theta = *theta;
  }

  // The rotated width: rotary_dim (GPT-J's spelling) or head_dim times the
  // partial rotary factor, rounded down as transformers' int() does.
  FailureOr<std::optional<int64_t>> rotaryDim =
      config.optionalInteger("rotary_dim");
  if (failed(rotaryDim))
    return failure();
  if (*rotaryDim) {
    rope.rotaryDim = **rotaryDim;
  } else {
    // transformers' standardize_rope_params lets the config's field
    // override the dict's; GPT-NeoX spells it rotary_pct.
    std::pair<const ConfigObject *, StringRef> holders[] = {
        {&config, "partial_rotary_factor"},
        {params ? &*params : nullptr, "partial_rotary_factor"},
        {&config, architecture.partialRotaryKey}};
    std::optional<double> partial;
    for (auto [holder, key] : holders) {
      if (!holder || partial)
        continue;
      FailureOr<std::optional<double>> value = holder->optionalReal(key);
      if (failed(value))
        return failure();
      partial = *value;
    }
    rope.rotaryDim = static_cast<int64_t>(
        headDim * partial.value_or(architecture.defaultPartialRotary));
  }
  if (rope.rotaryDim <= 0 || rope.rotaryDim % 2 != 0 ||
      rope.rotaryDim > headDim)
    return config.error(*rotaryDim ? "rotary_dim" : "partial_rotary_factor")
           << "expected an even rotary width in (0, head_dim = " << headDim
           << "], but the config gives " << rope.rotaryDim;

  if (params) {
    FailureOr<std::optional<SmallVector<int64_t>>> section =
        params->optionalIntegerList("mrope_section");
    FailureOr<std::optional<bool>> interleaved =
        params->optionalBool("mrope_interleaved");
    if (failed(section) || failed(interleaved))
      return failure();
    if (*section)
      rope.mropeSection.assign((*section)->begin(), (*section)->end());
    rope.mropeInterleaved = interleaved->value_or(false);
    if (ropeType == "mrope" && rope.mropeSection.empty())
      return params->error("mrope_section")
             << "rope_type 'mrope' needs mrope_section";
  }

  FailureOr<Attribute> scaling =
      readScaling(config, params, ropeType, architecture.maxPositionsKey);
  if (failed(scaling))
    return failure();
  rope.scaling = *scaling;
  return rope;
}

FailureOr<AttentionSpec> readAttention(const ConfigObject &config,
                                       const Architecture &architecture,
                                       int64_t hiddenSize) {
  AttentionSpec attention(config.locate(architecture.headsKey));
  FailureOr<int64_t> heads = config.positiveInteger(architecture.headsKey);
  if (failed(heads))
    return failure();
  attention.queryHeads = *heads;

  if (architecture.latentAttention) {
    // MLA: only qk_rope_head_dim of each query head is rotated, and the
    // rotated key is one head shared by all.
    FailureOr<std::optional<int64_t>> queryRank =
        config.optionalInteger("q_lora_rank");
    if (failed(queryRank))
      return failure();
    if (*queryRank)
      return config.error("q_lora_rank")
             << "the low-rank query projection (q_a_proj, q_b_proj) is not "
                "supported; expected null, as in DeepSeek-V2-Lite";
    FailureOr<int64_t> ropeHeadDim = config.positiveInteger("qk_rope_head_dim");
    if (failed(ropeHeadDim))
      return failure();
    attention.keyHeads = 1;
    attention.headDim = *ropeHeadDim;
  } else {
    FailureOr<int64_t> keyHeads =
        config.positiveInteger("num_key_value_heads", *heads);
    FailureOr<int64_t> headDim =
        config.positiveInteger("head_dim", hiddenSize / *heads);
    if (failed(keyHeads) || failed(headDim))
      return failure();
    attention.keyHeads = *keyHeads;
    attention.headDim = *headDim;
  }

  attention.projectionBias = architecture.projectionBias;
  if (!architecture.projectionBiasKey.empty()) {
    FailureOr<std::optional<bool>> bias =
        config.optionalBool(architecture.projectionBiasKey);
    if (failed(bias))
      return failure();
    attention.projectionBias = bias->value_or(architecture.projectionBias);
  }

  FailureOr<RopeSpec> rope = readRope(config, architecture, attention.headDim);
  if (failed(rope))
    return failure();
  attention.rope = std::move(*rope);
  return attention;
}

FailureOr<MlpSpec> readMlp(const ConfigObject &config,
                           const Architecture &architecture,
                           int64_t hiddenSize) {
  MLIRContext *context = config.getContext();
  MlpSpec mlp(config.locate(architecture.mlp == MlpKind::clampedSwiglu
                                ? StringRef("swiglu_limit")
                                : StringRef(architecture.activationKey)),
              config.locate(architecture.epsilonKey));
  FailureOr<int64_t> intermediateSize = config.positiveInteger(
      architecture.intermediateSizeKey,
      architecture.intermediateSizeMultiple
          ? std::optional<int64_t>(architecture.intermediateSizeMultiple *
                                   hiddenSize)
          : std::nullopt);
  if (failed(intermediateSize))
    return failure();
  mlp.intermediateSize = *intermediateSize;
  mlp.gated = architecture.mlp != MlpKind::plain;
  mlp.weightLayout = architecture.weightLayout;
  mlp.norms = architecture.mlpNorms;

  if (architecture.mlp == MlpKind::clampedSwiglu) {
    // transformers hard-codes alpha; the limit is the config's.
    FailureOr<double> limit = config.positiveReal("swiglu_limit", 7.0);
    if (failed(limit))
      return failure();
    mlp.activation = ClampedSwigluAttr::getChecked(
        [&] { return config.error("swiglu_limit"); }, context,
        llvm::APFloat(1.702), llvm::APFloat(*limit));
    if (!mlp.activation)
      return failure();
  } else {
    FailureOr<StringRef> name = config.string(architecture.activationKey,
                                              architecture.defaultActivation);
    if (failed(name))
      return failure();
    std::optional<ActivationKind> kind = activationFromHuggingFaceName(*name);
    if (!kind)
      return config.error(architecture.activationKey)
             << "unsupported activation '" << *name << "'; supported: "
             << llvm::join(huggingFaceActivationNames(), ", ");
    mlp.activation = ActivationKindAttr::get(context, *kind);
  }

  mlp.bias = architecture.mlpBias;
  if (!architecture.mlpBiasKey.empty()) {
    FailureOr<std::optional<bool>> bias =
        config.optionalBool(architecture.mlpBiasKey);
    if (failed(bias))
      return failure();
    mlp.bias = bias->value_or(architecture.mlpBias);
  }

  mlp.norm.kind = architecture.norm;
  mlp.norm.weightOffset = architecture.normWeightOffset;
  FailureOr<double> epsilon =
      config.positiveReal(architecture.epsilonKey, architecture.defaultEpsilon);
  if (failed(epsilon))
    return failure();
  mlp.norm.epsilon = *epsilon;
  return mlp;
}

FailureOr<LearnedPositionsSpec>
readLearnedPositions(const ConfigObject &config,
                     const Architecture &architecture) {
  // BERT may use relative position embeddings instead (key and query
  // dependent, inside attention): no table to add.
  FailureOr<StringRef> embedding =
      config.string("position_embedding_type", "absolute");
  if (failed(embedding))
    return failure();
  if (*embedding != "absolute")
    return config.error("position_embedding_type")
           << "unsupported position embedding '" << *embedding
           << "'; supported: absolute";
  FailureOr<int64_t> rows =
      config.positiveInteger(architecture.maxPositionsKey);
  if (failed(rows))
    return failure();
  return LearnedPositionsSpec{*rows,
                              config.locate(architecture.maxPositionsKey)};
}

} // namespace

SmallVector<StringRef> mlir::xfuse::import::supportedModelTypes() {
  return llvm::to_vector(llvm::map_range(
      architectures(), [](const Architecture &architecture) -> StringRef {
        return architecture.modelType;
      }));
}

FailureOr<ModelSpec>
mlir::xfuse::import::readHuggingFaceConfig(const llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context,
                                           std::optional<Type> elementType) {
  ConfigSource source(sourceMgr, context);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(source.text());
  if (!json)
    return emitError(source.locate({}))
           << "expected a JSON object: " << llvm::toString(json.takeError());
  const llvm::json::Object *rootObject = json->getAsObject();
  if (!rootObject)
    return emitError(source.locate({}))
           << "expected a JSON object, but got " << kindName(*json);
  ConfigObject root(source, *rootObject);

  FailureOr<std::optional<StringRef>> modelType =
      root.optionalString("model_type");
  if (failed(modelType))
    return failure();
  const Architecture *architecture =
      *modelType ? findArchitecture(**modelType) : nullptr;
  if (!architecture) {
    InFlightDiagnostic diagnostic = root.error("model_type");
    if (*modelType)
      diagnostic << "unsupported model_type '" << **modelType << "'";
    else
      diagnostic << "the field is missing";
    return diagnostic << "; supported: "
                      << llvm::join(supportedModelTypes(), ", ");
  }

  // Multimodal configs of transformers 5 keep the language model's fields
  // in text_config; earlier ones (Qwen2-VL's on the Hub) at the top level.
  FailureOr<std::optional<ConfigObject>> textConfig =
      root.optionalObject("text_config");
  if (failed(textConfig))
    return failure();
  const ConfigObject &config = *textConfig ? **textConfig : root;

  FailureOr<Type> configType = elementType ? FailureOr<Type>(*elementType)
                                           : readElementType(root, context);
  FailureOr<int64_t> hiddenSize =
      config.positiveInteger(architecture->hiddenSizeKey);
  if (failed(configType) || failed(hiddenSize))
    return failure();
  FailureOr<MlpSpec> mlp = readMlp(config, *architecture, *hiddenSize);
  if (failed(mlp))
    return failure();

  ModelSpec spec(std::move(*mlp));
  spec.modelType = architecture->modelType.str();
  spec.elementType = *configType;
  spec.hiddenSize = *hiddenSize;

  if (architecture->rotary) {
    FailureOr<AttentionSpec> attention =
        readAttention(config, *architecture, spec.hiddenSize);
    if (failed(attention))
      return failure();
    spec.attention = std::move(*attention);
  } else {
    FailureOr<LearnedPositionsSpec> positions =
        readLearnedPositions(config, *architecture);
    if (failed(positions))
      return failure();
    spec.learnedPositions = *positions;
  }
  return spec;
}
