// Runtime logic that needs no GPU: Status and its macros, StatusOr, dtypes,
// tensor validation messages, and the host arithmetic of generated entry
// points.
#include "cuda/host/EntryPoint.h"
#include "runtime/DType.h"
#include "runtime/Positions.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"
#include "runtime/Workspace.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace xfuse::rt {
namespace {

TEST(Status, OkByDefault) {
  Status status;
  EXPECT_TRUE(status.isOk());
  EXPECT_EQ(status.cudaError(), cudaSuccess);
  EXPECT_EQ(status.toString(), "OK");
}

TEST(Status, ErrorFormatting) {
  Status status = Status::error(StatusCode::kInvalidArgument, "bad thing");
  EXPECT_FALSE(status.isOk());
  EXPECT_EQ(status.toString(), "INVALID_ARGUMENT: bad thing");
}

Status failingCall() {
  XFUSE_CUDA_TRY(cudaErrorMemoryAllocation);
  return Status::ok();
}

TEST(Status, CudaTryNamesCallFileAndLine) {
  const int line = __LINE__ - 5; // the XFUSE_CUDA_TRY line above
  Status status = failingCall();
  EXPECT_EQ(status.code(), StatusCode::kCudaError);
  EXPECT_EQ(status.cudaError(), cudaErrorMemoryAllocation);
  EXPECT_STREQ(status.call(), "cudaErrorMemoryAllocation");
  EXPECT_EQ(status.line(), line);
  EXPECT_EQ(status.toString(),
            std::string("CUDA_ERROR: cudaErrorMemoryAllocation (out of "
                        "memory) in cudaErrorMemoryAllocation at ") +
                __FILE__ + ":" + std::to_string(line));
}

TEST(Status, CudaStatusOfSuccessIsOk) {
  EXPECT_TRUE(XFUSE_CUDA_STATUS(cudaSuccess).isOk());
}

StatusOr<int> half(int x) {
  if (x % 2)
    return Status::error(StatusCode::kInvalidArgument, "odd");
  return x / 2;
}

Status quarter(int x, int &out) {
  XFUSE_ASSIGN_OR_RETURN(int h, half(x));
  XFUSE_ASSIGN_OR_RETURN(out, half(h));
  return Status::ok();
}

TEST(StatusOr, ValueOrError) {
  StatusOr<int> good = half(8);
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(*good, 4);
  StatusOr<int> bad = half(3);
  EXPECT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "odd");
}

TEST(StatusOr, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(quarter(8, out).isOk());
  EXPECT_EQ(out, 2);
  Status status = quarter(6, out); // 6 -> 3 -> odd
  EXPECT_EQ(status.toString(), "INVALID_ARGUMENT: odd");
}

TEST(DType, SizesAndNames) {
  EXPECT_EQ(dtypeSize(DType::kF32), 4u);
  EXPECT_EQ(dtypeSize(DType::kF16), 2u);
  EXPECT_EQ(dtypeSize(DType::kBF16), 2u);
  EXPECT_EQ(dtypeSize(DType::kI32), 4u);
  EXPECT_EQ(dtypeSize(DType::kI64), 8u);
  EXPECT_STREQ(dtypeName(DType::kBF16), "bf16");
  EXPECT_STREQ(dtypeName(DType::kI64), "i64");
}

TEST(TensorView, ShapeMismatchMessage) {
  TensorView x{nullptr, DType::kBF16, Shape{16, 512}};
  Status status = expectShape(x, "x", Shape{Shape::kDynamic, 768});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "input 'x': expected shape [?, 768] but got [16, 512]");
}

TEST(TensorView, ShapeMatchesDynamicDims) {
  TensorView x{nullptr, DType::kBF16, Shape{16, 768}};
  EXPECT_TRUE(expectShape(x, "x", Shape{Shape::kDynamic, 768}).isOk());
  EXPECT_TRUE(expectShape(x, "x", Shape{16, 768}).isOk());
  // Rank is never dynamic.
  EXPECT_EQ(expectShape(x, "x", Shape{Shape::kDynamic, Shape::kDynamic, 768})
                .message(),
            "input 'x': expected shape [?, ?, 768] but got [16, 768]");
  // Nor may a view have more dimensions than the pattern.
  const TensorView batched{nullptr, DType::kBF16, Shape{16, 768, 4}};
  EXPECT_EQ(expectShape(batched, "x", Shape{Shape::kDynamic, 768}).message(),
            "input 'x': expected shape [?, 768] but got [16, 768, 4]");
}

TEST(TensorView, DTypeMismatchNamesRole) {
  TensorView y{nullptr, DType::kF32, Shape{4}};
  EXPECT_TRUE(expectDType(y, "y", DType::kF32, Role::kOutput).isOk());
  EXPECT_EQ(expectDType(y, "y", DType::kBF16, Role::kOutput).message(),
            "output 'y': expected dtype bf16 but got f32");
}

TEST(TensorView, Alignment) {
  alignas(16) static char storage[64];
  TensorView aligned{storage, DType::kF16, Shape{8}};
  EXPECT_TRUE(expectAligned(aligned, "w", 16, Role::kWeight).isOk());
  TensorView misaligned{storage + 2, DType::kF16, Shape{8}};
  Status status = expectAligned(misaligned, "w", 16, Role::kWeight);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("weight 'w': data pointer "),
            std::string::npos);
  EXPECT_NE(status.message().find(" is not 16-byte aligned"),
            std::string::npos);
}

TEST(TensorView, SizeInBytes) {
  TensorView x{nullptr, DType::kBF16, Shape{3, 5, 7}};
  EXPECT_EQ(x.numElements(), 105);
  EXPECT_EQ(x.sizeInBytes(), 210u);
}

TEST(TensorView, ExpectTensorRejectsNullNegativeAndHugeTensors) {
  alignas(16) static char storage[64];
  const Shape pattern{Shape::kDynamic, 8};
  TensorView x{storage, DType::kBF16, Shape{2, 8}};
  EXPECT_TRUE(expectTensor(x, "x", DType::kBF16, pattern).isOk());
  x.data = nullptr;
  EXPECT_EQ(expectTensor(x, "x", DType::kBF16, pattern).message(),
            "input 'x': data is null but the shape [2, 8] holds 16 elements");
  // Empty tensors may be null.
  x.shape = Shape{0, 8};
  EXPECT_TRUE(expectTensor(x, "x", DType::kBF16, pattern).isOk());
  x.data = storage;
  x.shape = Shape{-2, 8};
  EXPECT_EQ(expectTensor(x, "x", DType::kBF16, pattern).message(),
            "input 'x': shape [-2, 8] has a negative dimension");
  // kDynamic is a pattern's wildcard, never a view's size.
  x.shape = Shape{Shape::kDynamic, 8};
  EXPECT_EQ(expectTensor(x, "x", DType::kBF16, pattern).message(),
            "input 'x': shape [-1, 8] has a negative dimension");
  x.shape = Shape{std::int64_t{1} << 60, 8};
  Status huge = expectTensor(x, "x", DType::kBF16, pattern);
  EXPECT_EQ(huge.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(huge.message(),
            "input 'x': shape [1152921504606846976, 8] holds more than 2^63 "
            "bytes");
}

TEST(TensorView, DisjointOutputs) {
  alignas(16) static char storage[256];
  const TensorView x{storage, DType::kF32, Shape{16}};       // [0, 64)
  const TensorView after{storage + 64, DType::kF32, Shape{16}}; // [64, 128)
  const TensorView inside{storage + 60, DType::kF32, Shape{16}}; // [60, 124)
  const TensorView empty{storage, DType::kF32, Shape{0}};
  EXPECT_TRUE(expectDisjoint(after, "y", {{x, "x"}}).isOk());
  EXPECT_TRUE(expectDisjoint(x, "y", {{after, "a"}}).isOk());
  EXPECT_TRUE(expectDisjoint(empty, "y", {{x, "x"}}).isOk());
  EXPECT_TRUE(expectDisjoint(x, "y", {{empty, "e"}}).isOk());
  Status status =
      expectDisjoint(inside, "y", {{after, "a"}, {x, "w", Role::kWeight}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("output 'y' ["), std::string::npos);
  EXPECT_NE(status.message().find("overlaps input 'a'"), std::string::npos)
      << status.message();
  EXPECT_NE(expectDisjoint(x, "y", {{x, "x"}}).message().find(
                "xfuse kernels do not run in place"),
            std::string::npos);
}

TEST(Positions, RejectsNonIntegerAndAcceptsEmptyWithoutTheDevice) {
  const TensorView floats{nullptr, DType::kF32, Shape{4}};
  EXPECT_EQ(expectPositionsWithin(floats, "pos", 0, 7, "clamped", nullptr)
                .message(),
            "positions 'pos': expected dtype i32 or i64 but got f32");
  const TensorView empty{nullptr, DType::kI64, Shape{0, 16}};
  EXPECT_TRUE(
      expectPositionsWithin(empty, "pos", 0, 7, "clamped", nullptr).isOk());
}

TEST(Workspace, CarveBeyondReservationFails) {
  Workspace workspace; // nothing reserved: no device memory touched
  EXPECT_TRUE(workspace.carve(0).isOk());
  StatusOr<void *> ptr = workspace.carve(1);
  EXPECT_EQ(ptr.status().code(), StatusCode::kOutOfRange);
}

} // namespace
} // namespace xfuse::rt

// The host arithmetic of generated entry points (cuda/host/EntryPoint.h).
namespace xfuse::generated {
namespace {

TEST(CheckedInt, OverflowIsStickyAndNeverWraps) {
  const CheckedInt big = std::numeric_limits<std::int64_t>::max() / 2;
  EXPECT_FALSE((big * 2).isOverflowed());
  EXPECT_TRUE((big * 3).isOverflowed());
  EXPECT_TRUE((big * 3 + 1).isOverflowed());
  EXPECT_TRUE(floorDiv(big * 3, 2).isOverflowed());
  EXPECT_EQ(floorDiv(CheckedInt(-7), 2).value(), -4);
  EXPECT_EQ(ceilDiv(CheckedInt(7), 2).value(), 4);
  EXPECT_EQ(mod(CheckedInt(-7), 4).value(), 1);
}

TEST(CheckedInt, WorkspaceSizeAlignsPartsAndTakesTheMostCounters) {
  const rt::StatusOr<rt::WorkspaceSize> size =
      workspaceSize({CheckedInt(1), CheckedInt(256), CheckedInt(0)},
                    {CheckedInt(12), CheckedInt(40)});
  ASSERT_TRUE(size.isOk());
  EXPECT_EQ(size->bytes, 2 * rt::Workspace::kAlignment);
  EXPECT_EQ(size->counters, 40u);
  const CheckedInt huge = std::numeric_limits<std::int64_t>::max() - 1;
  EXPECT_EQ(workspaceSize({huge}, {}).status().code(),
            rt::StatusCode::kOutOfRange);
  EXPECT_EQ(checkedSize(-3, "'x' dim 0").status().message(),
            "dynamic size 'x' dim 0 must not be negative but is -3");
  EXPECT_EQ(expectGemmRows(huge * 2, 128, "gemm").message(),
            "gemm: the row count exceeds 2^63");
}

TEST(CheckedInt, GemmRowsFitTheGridsRowTiles) {
  // 65535 block rows of 128 (gridDim.y), not one row more.
  EXPECT_TRUE(expectGemmRows(CheckedInt(65535 * 128), 128, "gemm").isOk());
  EXPECT_EQ(expectGemmRows(CheckedInt(65535 * 128 + 1), 128, "gemm").message(),
            "gemm: 8388481 rows exceed the GEMM's limit of 8388480");
}

} // namespace
} // namespace xfuse::generated
