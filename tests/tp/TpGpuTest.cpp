// Tensor parallelism's runtime on GPUs: shardOf cuts each rank's part of a
// device tensor, and the communicator's collectives (NCCL's all-reduce,
// reduce-scatter and all-gather) sum and gather on two GPUs of one process.
// Inputs are fresh random integers in f32 (sums of them are exact, so every
// element is compared exactly), outputs NaN-poisoned.
#include "runtime/Communicator.h"
#include "runtime/TensorShard.h"
#include "tests/gpu/GpuTestUtil.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace xfuse::test {
namespace {

constexpr int kRanks = 2;

/// Random integers in [-8, 8] as f32: exact through every sum here.
std::vector<float> randomIntegers(Random &random, std::size_t count) {
  std::vector<float> values(count);
  for (float &v : values)
    v = static_cast<float>(random.integer(-8, 8));
  return values;
}

/// Rank `rank`'s part of the [rows, columns] f32 `full` on the device.
std::vector<float> partOf(const std::vector<float> &full, std::int64_t rows,
                          std::int64_t columns, const rt::ShardSpec &spec,
                          int rank) {
  rt::DeviceBuffer device = upload(full);
  rt::TensorView view{device.data(), rt::DType::kF32,
                      rt::Shape({rows, columns})};
  rt::TensorShard part = check(rt::shardOf(view, spec, rank, nullptr));
  EXPECT_EQ(part.view().shape.numElements() * (spec.dim ? spec.ranks : 1),
            rows * columns);
  std::vector<float> host(part.view().shape.numElements());
  check(XFUSE_CUDA_STATUS(cudaMemcpy(host.data(), part.view().data,
                                     host.size() * sizeof(float),
                                     cudaMemcpyDeviceToHost)));
  return host;
}

TEST(ShardOf, CutsEachRanksPart) {
  XFUSE_REQUIRE_GPU();
  Random random;
  const std::int64_t rows = 6, columns = 8;
  const std::vector<float> full = randomIntegers(random, rows * columns);
  for (int rank = 0; rank < 2; ++rank) {
    // Columns (a column-parallel weight): rank r's 4 of each row.
    std::vector<float> part = partOf(full, rows, columns, {2, 1}, rank);
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < 4; ++j)
        ASSERT_EQ(part[i * 4 + j], full[i * columns + rank * 4 + j])
            << "rank " << rank << " [" << i << ", " << j << "]";
    // A partial sum: the tensor on rank 0, zeros on the others.
    part = partOf(full, rows, columns, {2, std::nullopt}, rank);
    for (std::size_t i = 0; i < full.size(); ++i)
      ASSERT_EQ(part[i], rank == 0 ? full[i] : 0.0f) << "rank " << rank;
  }
  // Rows (a row-parallel weight): rank r's 2 of 6.
  for (int rank = 0; rank < 3; ++rank) {
    std::vector<float> part = partOf(full, rows, columns, {3, 0}, rank);
    for (std::size_t i = 0; i < part.size(); ++i)
      ASSERT_EQ(part[i], full[rank * 2 * columns + i]) << "rank " << rank;
  }
}

/// Two ranks' communicators on devices 0 and 1, and a stream on each.
class TwoGpus : public ::testing::Test {
protected:
  void SetUp() override {
    XFUSE_REQUIRE_GPU();
    int count = 0;
    ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
    if (count < kRanks)
      GTEST_SKIP() << "needs " << kRanks << " GPUs, found " << count;
    communicators = check(rt::Communicator::createForDevices({0, 1}));
    for (int rank = 0; rank < kRanks; ++rank) {
      ASSERT_EQ(cudaSetDevice(rank), cudaSuccess);
      streams.push_back(check(rt::Stream::create()));
    }
  }

  void TearDown() override { (void)cudaSetDevice(0); }

  /// Runs `collective(rank)` for every rank as one NCCL group (one process
  /// drives both ranks, so no call may wait for the other's), then waits.
  template <typename Collective> void onEveryRank(Collective &&collective) {
    ASSERT_EQ(ncclGroupStart(), ncclSuccess);
    for (int rank = 0; rank < kRanks; ++rank) {
      ASSERT_EQ(cudaSetDevice(rank), cudaSuccess);
      ASSERT_OK(collective(rank));
    }
    ASSERT_EQ(ncclGroupEnd(), ncclSuccess);
    for (int rank = 0; rank < kRanks; ++rank) {
      ASSERT_EQ(cudaSetDevice(rank), cudaSuccess);
      ASSERT_EQ(cudaStreamSynchronize(streams[rank].get()), cudaSuccess);
    }
  }

  /// Each rank's `count` random inputs, and a NaN-poisoned output of
  /// `outputCount`, on its device.
  struct RankBuffers {
    std::vector<float> input;
    rt::DeviceBuffer send, recv;
  };
  std::vector<RankBuffers> buffers(Random &random, std::size_t count,
                                   std::size_t outputCount) {
    std::vector<RankBuffers> ranks(kRanks);
    for (int rank = 0; rank < kRanks; ++rank) {
      check(XFUSE_CUDA_STATUS(cudaSetDevice(rank)));
      ranks[rank].input = randomIntegers(random, count);
      ranks[rank].send = upload(ranks[rank].input);
      ranks[rank].recv = poisonedOutput<float>(outputCount);
    }
    return ranks;
  }

  std::vector<float> result(int rank, const RankBuffers &buffers,
                            std::size_t count) {
    check(XFUSE_CUDA_STATUS(cudaSetDevice(rank)));
    return download<float>(buffers.recv, count);
  }

  std::vector<rt::Communicator> communicators;
  std::vector<rt::Stream> streams;
};

TEST_F(TwoGpus, AllReduceSums) {
  Random random;
  const std::size_t count = 3 * 1024 + 5;
  std::vector<RankBuffers> ranks = buffers(random, count, count);
  onEveryRank([&](int rank) {
    return communicators[rank].allReduceSum(
        ranks[rank].send.data(), ranks[rank].recv.data(), count,
        rt::DType::kF32, streams[rank].get());
  });
  for (int rank = 0; rank < kRanks; ++rank) {
    std::vector<float> sum = result(rank, ranks[rank], count);
    for (std::size_t i = 0; i < count; ++i)
      ASSERT_EQ(sum[i], ranks[0].input[i] + ranks[1].input[i])
          << "rank " << rank << " element " << i;
  }
}

TEST_F(TwoGpus, ReduceScatterGivesEachRankItsPartOfTheSum) {
  Random random;
  const std::size_t part = 2 * 1024 + 3;
  std::vector<RankBuffers> ranks = buffers(random, kRanks * part, part);
  onEveryRank([&](int rank) {
    return communicators[rank].reduceScatterSum(
        ranks[rank].send.data(), ranks[rank].recv.data(), part, rt::DType::kF32,
        streams[rank].get());
  });
  for (int rank = 0; rank < kRanks; ++rank) {
    std::vector<float> sum = result(rank, ranks[rank], part);
    for (std::size_t i = 0; i < part; ++i) {
      const std::size_t at = rank * part + i;
      ASSERT_EQ(sum[i], ranks[0].input[at] + ranks[1].input[at])
          << "rank " << rank << " element " << i;
    }
  }
}

TEST_F(TwoGpus, AllGatherConcatenatesInRankOrder) {
  Random random;
  const std::size_t part = 1024 + 7;
  std::vector<RankBuffers> ranks = buffers(random, part, kRanks * part);
  onEveryRank([&](int rank) {
    return communicators[rank].allGather(ranks[rank].send.data(),
                                         ranks[rank].recv.data(), part,
                                         rt::DType::kF32, streams[rank].get());
  });
  for (int rank = 0; rank < kRanks; ++rank) {
    std::vector<float> all = result(rank, ranks[rank], kRanks * part);
    for (std::size_t i = 0; i < all.size(); ++i)
      ASSERT_EQ(all[i], ranks[i / part].input[i % part])
          << "rank " << rank << " element " << i;
  }
}

TEST_F(TwoGpus, CommunicatorsKnowTheirRanks) {
  for (int rank = 0; rank < kRanks; ++rank) {
    EXPECT_EQ(communicators[rank].rank(), rank);
    EXPECT_EQ(communicators[rank].size(), kRanks);
    EXPECT_EQ(communicators[rank].device(), rank);
    EXPECT_NE(communicators[rank].reductionStream(), nullptr);
  }
}

} // namespace
} // namespace xfuse::test
