# xfuse_add_kernels, shared by the installed package (xfuseConfig.cmake.in)
# and the source-tree one (xfuseConfig.cmake):
#
#   xfuse_add_kernels(<target> GRAPH model.mlir TARGET <sm_80|sm_90a>
#                     [NAME <name>])
#
# compiles an xfuse graph into <name>.cu/.h (name defaults to the graph's
# file name) in the binary dir at build time, with
#   xfuse-opt --xfuse-pipeline="target=<TARGET>"   then
#   xfuse-translate --emit-cuda-header / --emit-cuda,
# adds them to <target> and links xfuse::runtime. Users include "<name>.h"
# and call xfuse::generated::<function>(...).
#
# The package config defines the imported executables xfuse::xfuse-opt and
# xfuse::xfuse-translate where it has them. Where MLIR is absent (a GPU
# machine with only nvcc) set XFUSE_PREGENERATED_DIR to a directory holding
# <name>.cu and <name>.h made elsewhere by the same commands; nothing is
# then generated.
#
# Needs the CUDA language enabled by the calling project.
include_guard(GLOBAL)

set(XFUSE_PREGENERATED_DIR "" CACHE PATH
    "Directory of pre-generated <name>.cu/.h; set where MLIR is absent")

# sm_90a plans compile to sm_90a SASS; sm_80 plans to sm_80 SASS + PTX.
function(_xfuse_cuda_architecture target out)
  if(target STREQUAL "sm_90a")
    set(${out} "90a-real" PARENT_SCOPE)
  elseif(target STREQUAL "sm_80")
    set(${out} "80" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "xfuse_add_kernels: unknown TARGET '${target}' "
                        "(expected sm_80 or sm_90a)")
  endif()
endfunction()

function(xfuse_add_kernels target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "GRAPH;TARGET;NAME" "")
  if(NOT ARG_GRAPH OR NOT ARG_TARGET)
    message(FATAL_ERROR "usage: xfuse_add_kernels(<target> GRAPH <file.mlir> "
                        "TARGET <sm_80|sm_90a> [NAME <name>])")
  endif()
  if(NOT TARGET xfuse::runtime)
    message(FATAL_ERROR "xfuse_add_kernels: this xfuse package has no "
                        "runtime (xfuse::runtime); it was built without nvcc")
  endif()
  get_filename_component(graph "${ARG_GRAPH}" ABSOLUTE)
  if(NOT ARG_NAME)
    get_filename_component(ARG_NAME "${graph}" NAME_WE)
  endif()
  _xfuse_cuda_architecture(${ARG_TARGET} arch)

  if(XFUSE_PREGENERATED_DIR)
    set(dir "${XFUSE_PREGENERATED_DIR}")
    foreach(file "${dir}/${ARG_NAME}.cu" "${dir}/${ARG_NAME}.h")
      if(NOT EXISTS "${file}")
        message(FATAL_ERROR "xfuse_add_kernels: ${file} does not exist")
      endif()
    endforeach()
  else()
    if(NOT TARGET xfuse::xfuse-opt OR NOT TARGET xfuse::xfuse-translate)
      message(FATAL_ERROR
        "xfuse_add_kernels: this xfuse package has no xfuse-opt and "
        "xfuse-translate; install xfuse with its compiler (MLIR), or set "
        "XFUSE_PREGENERATED_DIR to pre-generated sources")
    endif()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/xfuse-kernels")
    set(kernels "${dir}/${ARG_NAME}.kernels.mlir")
    add_custom_command(
      OUTPUT "${dir}/${ARG_NAME}.cu" "${dir}/${ARG_NAME}.h" "${kernels}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND xfuse::xfuse-opt "${graph}" "--xfuse-pipeline=target=${ARG_TARGET}"
              -o "${kernels}"
      COMMAND xfuse::xfuse-translate --emit-cuda-header "${kernels}"
              -o "${dir}/${ARG_NAME}.h"
      COMMAND xfuse::xfuse-translate --emit-cuda "--xfuse-header=${ARG_NAME}.h"
              "${kernels}" -o "${dir}/${ARG_NAME}.cu"
      DEPENDS "${graph}" "$<TARGET_FILE:xfuse::xfuse-opt>"
              "$<TARGET_FILE:xfuse::xfuse-translate>"
      COMMENT "xfuse: compiling ${ARG_NAME} for ${ARG_TARGET}"
      VERBATIM)
  endif()

  target_sources(${target} PRIVATE "${dir}/${ARG_NAME}.cu" "${dir}/${ARG_NAME}.h")
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC xfuse::runtime)
  # The kernels need sm_80 or newer, so the target compiles for exactly the
  # architectures of its graphs rather than CMake's default.
  get_target_property(archs ${target} XFUSE_CUDA_ARCHITECTURES)
  if(NOT archs)
    set(archs "")
  endif()
  if(NOT arch IN_LIST archs)
    list(APPEND archs ${arch})
  endif()
  set_target_properties(${target} PROPERTIES
    XFUSE_CUDA_ARCHITECTURES "${archs}" CUDA_ARCHITECTURES "${archs}")
  set_target_properties(${target} PROPERTIES CUDA_RUNTIME_LIBRARY None)
endfunction()
