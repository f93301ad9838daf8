// Tensor parallelism's runtime without a GPU: what shardOf and the
// communicator reject before touching a device, and NCCL's own errors as
// Status, naming the NCCL call, the file and the line.
#include "runtime/Communicator.h"
#include "runtime/TensorShard.h"

#include <gtest/gtest.h>

#include <string>

namespace xfuse::test {
namespace {

#define EXPECT_CONTAINS(text, part)                                            \
  EXPECT_NE(std::string(text).find(part), std::string::npos)                   \
      << "expected \"" << (part) << "\" in: " << (text)

/// A [4, 6] bf16 tensor that is never read: the checks fail first.
rt::TensorView unreadTensor() {
  return rt::TensorView{nullptr, rt::DType::kBF16, rt::Shape({4, 6})};
}

TEST(ShardOf, RejectsARankOutsideTheRanks) {
  for (int rank : {-1, 2}) {
    rt::StatusOr<rt::TensorShard> part =
        rt::shardOf(unreadTensor(), rt::ShardSpec{2, 1}, rank, nullptr);
    ASSERT_FALSE(part.isOk());
    EXPECT_EQ(part.status().code(), rt::StatusCode::kInvalidArgument);
    EXPECT_CONTAINS(part.status().message(),
                    "expected 0 <= rank < ranks, but got rank " +
                        std::to_string(rank) + " of 2");
  }
}

TEST(ShardOf, RejectsADimensionTheRanksDoNotDivide) {
  // 6 columns among 4 ranks; a dimension the tensor does not have.
  for (int dim : {1, 2}) {
    rt::StatusOr<rt::TensorShard> part =
        rt::shardOf(unreadTensor(), rt::ShardSpec{4, dim}, 0, nullptr);
    ASSERT_FALSE(part.isOk());
    EXPECT_EQ(part.status().code(), rt::StatusCode::kInvalidArgument);
    EXPECT_CONTAINS(part.status().message(),
                    "expected 4 ranks to divide dimension " +
                        std::to_string(dim));
  }
}

TEST(Communicator, CreateRejectsBadArguments) {
  ncclUniqueId id{};
  rt::StatusOr<rt::Communicator> communicator =
      rt::Communicator::create(id, /*rank=*/2, /*ranks=*/2);
  ASSERT_FALSE(communicator.isOk());
  EXPECT_EQ(communicator.status().code(), rt::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(communicator.status().message(),
                  "expected 0 <= rank < ranks, but got rank 2 of 2");
  EXPECT_EQ(rt::Communicator::createForDevices({}).status().code(),
            rt::StatusCode::kInvalidArgument);
  rt::StatusOr<rt::Communicator> negativeCtas = rt::Communicator::create(
      id, /*rank=*/0, /*ranks=*/2, rt::CommunicatorOptions{-1});
  ASSERT_FALSE(negativeCtas.isOk());
  EXPECT_CONTAINS(negativeCtas.status().message(),
                  "expected ctas >= 0, but got -1");
}

/// A collective on an empty communicator: NCCL rejects the null comm before
/// it needs a device, and the Status names the NCCL call.
void expectNcclError(const rt::Status &status, const std::string &call) {
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.code(), rt::StatusCode::kNcclError);
  const std::string text = status.toString();
  EXPECT_CONTAINS(text, "NCCL_ERROR: invalid argument");
  EXPECT_CONTAINS(text, "comm argument is NULL");
  EXPECT_CONTAINS(text, call + "(");
  EXPECT_CONTAINS(text, "runtime/Communicator.cpp:");
}

TEST(Communicator, CollectiveErrorsNameTheNcclCall) {
  const rt::Communicator empty;
  float data[4] = {};
  expectNcclError(empty.allReduceSum(data, data, 4, rt::DType::kF32, nullptr),
                  "ncclAllReduce");
  expectNcclError(
      empty.reduceScatterSum(data, data, 2, rt::DType::kF32, nullptr),
      "ncclReduceScatter");
  expectNcclError(empty.allGather(data, data, 2, rt::DType::kF32, nullptr),
                  "ncclAllGather");
}

TEST(Communicator, NcclTypes) {
  EXPECT_EQ(rt::ncclType(rt::DType::kF32), ncclFloat32);
  EXPECT_EQ(rt::ncclType(rt::DType::kF16), ncclFloat16);
  EXPECT_EQ(rt::ncclType(rt::DType::kBF16), ncclBfloat16);
  EXPECT_EQ(rt::ncclType(rt::DType::kI32), ncclInt32);
  EXPECT_EQ(rt::ncclType(rt::DType::kI64), ncclInt64);
}

} // namespace
} // namespace xfuse::test
