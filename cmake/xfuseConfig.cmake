# The xfuse CMake package, used from the source tree rather than from an
# installed prefix (cmake --install gives the relocatable one,
# xfuseConfig.cmake.in):
#
#   find_package(xfuse REQUIRED CONFIG HINTS <xfuse>/cmake)
#   xfuse_add_kernels(<target> GRAPH model.mlir TARGET sm_90a [NAME <name>])
#
# It builds the runtime from source into the caller's build tree and takes
# xfuse-opt and xfuse-translate from XFUSE_TOOLS_DIR (default
# <xfuse>/build/bin). xfuseKernels.cmake documents xfuse_add_kernels and
# XFUSE_PREGENERATED_DIR, for machines without MLIR.
cmake_minimum_required(VERSION 3.20)

get_filename_component(XFUSE_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(XFUSE_TOOLS_DIR "${XFUSE_ROOT}/build/bin" CACHE PATH
    "Directory holding xfuse-opt and xfuse-translate")

if(NOT TARGET xfuse_runtime)
  # The package's users get the runtime, not xfuse's own GPU tests.
  if(NOT DEFINED XFUSE_BUILD_GPU_TESTS)
    set(XFUSE_BUILD_GPU_TESTS OFF)
  endif()
  add_subdirectory("${XFUSE_ROOT}/runtime"
                   "${CMAKE_BINARY_DIR}/xfuse-runtime")
endif()
if(NOT TARGET xfuse::runtime)
  set(xfuse_FOUND FALSE)
  set(xfuse_NOT_FOUND_MESSAGE "xfuse: the runtime needs nvcc and the CUDA toolkit")
  return()
endif()

foreach(tool xfuse-opt xfuse-translate)
  if(NOT TARGET xfuse::${tool} AND EXISTS "${XFUSE_TOOLS_DIR}/${tool}")
    add_executable(xfuse::${tool} IMPORTED GLOBAL)
    set_target_properties(xfuse::${tool} PROPERTIES
      IMPORTED_LOCATION "${XFUSE_TOOLS_DIR}/${tool}")
  endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/xfuseKernels.cmake")
set(xfuse_FOUND TRUE)
