// staticFor<N>(f): f(std::integral_constant<int, I>{}) for I = 0 .. N - 1,
// in order, each I a compile-time constant, for loops whose index must
// select registers (a state array) or template arguments.
#pragma once

#include <type_traits>
#include <utility>

namespace xfuse::device {

template <typename F, int... I>
__host__ __device__ void staticForEach(F &&f,
                                       std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>{}), ...);
}

template <int N, typename F> __host__ __device__ void staticFor(F &&f) {
  staticForEach(f, std::make_integer_sequence<int, N>{});
}

} // namespace xfuse::device
