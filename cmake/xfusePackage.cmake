# What `cmake --install` puts under a prefix, and the CMake package that
# find_package(xfuse CONFIG) reads from there:
#   bin/                 the tools (every target named after a folder of
#                        tools/, where MLIR was found)
#   lib/                 xfuse_runtime, exported as xfuse::runtime (and
#                        xfuse_communicator as xfuse::communicator)
#   include/xfuse/       runtime/*.h and cuda/{device,host}/*.h, the headers
#                        generated code includes ("runtime/Status.h")
#   share/doc/xfuse/     docs/
#   lib/cmake/xfuse/     xfuseConfig.cmake, xfuseConfigVersion.cmake,
#                        xfuseTargets.cmake, xfuseKernels.cmake
# Included last by the root project, and by runtime/ when it is configured
# on its own (a GPU machine without MLIR): both install the same package,
# the latter without tools.
include_guard(GLOBAL)
set(XFUSE_VERSION 0.1.0)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_filename_component(XFUSE_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(XFUSE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/xfuse")
set(XFUSE_INSTALL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/xfuse")
set(XFUSE_INSTALL_DOCDIR "${CMAKE_INSTALL_DATAROOTDIR}/doc/xfuse")

set(XFUSE_PACKAGE_HAS_RUNTIME OFF)
if(TARGET xfuse_runtime)
  set(XFUSE_PACKAGE_HAS_RUNTIME ON)
  install(TARGETS xfuse_runtime EXPORT xfuseTargets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  # Where NCCL was found: the communicator of tensor-parallel entry points.
  if(TARGET xfuse_communicator)
    set_target_properties(xfuse_communicator PROPERTIES
      EXPORT_NAME communicator)
    install(TARGETS xfuse_communicator EXPORT xfuseTargets
      ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  endif()
  foreach(dir runtime cuda/device cuda/host)
    install(DIRECTORY "${XFUSE_SOURCE_ROOT}/${dir}/"
      DESTINATION "${XFUSE_INSTALL_INCLUDEDIR}/${dir}"
      FILES_MATCHING PATTERN "*.h")
  endforeach()
endif()

# Tools are found by folder, so that a new tools/<name>/ building target
# <name> is installed without a change here.
file(GLOB xfuse_tool_dirs LIST_DIRECTORIES true "${XFUSE_SOURCE_ROOT}/tools/*")
foreach(dir ${xfuse_tool_dirs})
  get_filename_component(tool "${dir}" NAME)
  if(IS_DIRECTORY "${dir}" AND TARGET ${tool})
    # The tools load LLVM's shared library from where it was found.
    set_target_properties(${tool} PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
    install(TARGETS ${tool} EXPORT xfuseTargets
      RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  endif()
endforeach()

install(DIRECTORY "${XFUSE_SOURCE_ROOT}/docs/"
  DESTINATION "${XFUSE_INSTALL_DOCDIR}"
  FILES_MATCHING PATTERN "*.md" PATTERN "*.png"
  PATTERN "CMakeLists.txt" EXCLUDE)
install(FILES "${XFUSE_SOURCE_ROOT}/README.md"
  DESTINATION "${XFUSE_INSTALL_DOCDIR}")

install(EXPORT xfuseTargets NAMESPACE xfuse::
  DESTINATION "${XFUSE_INSTALL_CMAKEDIR}")
configure_package_config_file(
  "${XFUSE_SOURCE_ROOT}/cmake/xfuseConfig.cmake.in"
  "${CMAKE_CURRENT_BINARY_DIR}/xfuseConfig.cmake"
  INSTALL_DESTINATION "${XFUSE_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${CMAKE_CURRENT_BINARY_DIR}/xfuseConfigVersion.cmake"
  VERSION "${XFUSE_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/xfuseConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/xfuseConfigVersion.cmake"
  "${XFUSE_SOURCE_ROOT}/cmake/xfuseKernels.cmake"
  DESTINATION "${XFUSE_INSTALL_CMAKEDIR}")

# `cpack --config <build>/CPackConfig.cmake` (or `cmake --build <build>
# --target package`) packs the same tree as a .tar.gz and a .deb.
set(CPACK_PACKAGE_NAME xfuse)
set(CPACK_PACKAGE_VERSION "${XFUSE_VERSION}")
set(CPACK_PACKAGE_VENDOR xfuse)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Fused CUDA kernels for positional encodings and FFNs, from MLIR graphs")
set(CPACK_PACKAGE_CONTACT "xfuse maintainers")
set(CPACK_GENERATOR TGZ DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
