# What every standalone Hopper bench binary (bench/CMakeLists.txt,
# bench/decode/CMakeLists.txt) is built with: sm_90a only (wgmma,
# setmaxnreg), the repository root as include directory, warnings as
# errors, the CUDA runtime linked statically and cuBLASLt dynamically
# (libcublasLt.so.13 must be on the run machine's library path), and the
# runtime's RAII CUDA owners, Status and Workspace (split-K scratch and
# counters) without the rest of the runtime. Include it after project().
find_package(CUDAToolkit REQUIRED)
find_package(Threads REQUIRED)
get_filename_component(XFUSE_REPO_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.."
                       ABSOLUTE)

set(CMAKE_CUDA_ARCHITECTURES 90a-real)

# xfuse_add_bench(<target> <sources>...)
function(xfuse_add_bench target)
  add_executable(${target}
    ${ARGN}
    ${XFUSE_REPO_ROOT}/runtime/CudaResources.cpp
    ${XFUSE_REPO_ROOT}/runtime/Status.cpp
    ${XFUSE_REPO_ROOT}/runtime/Workspace.cpp)
  target_include_directories(${target} PRIVATE ${XFUSE_REPO_ROOT})
  target_compile_features(${target} PRIVATE cxx_std_17 cuda_std_17)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra,-Werror
                               -Werror=all-warnings>)
  target_link_libraries(${target} PRIVATE
    CUDA::cudart_static CUDA::cublasLt Threads::Threads)
  set_target_properties(${target} PROPERTIES CUDA_RUNTIME_LIBRARY None)
endfunction()
