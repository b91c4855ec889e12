# Install: the library with its CMake package (find_package(terrawatt) gives
# terrawatt::terrawatt), the headers, the CLI (src/cli) and a pkg-config
# file. tests/core/install.sh builds a program that includes every public
# header against the installed tree both ways.
include(CMakePackageConfigHelpers)
set(TW_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/terrawatt)

set_target_properties(tw_headers PROPERTIES EXPORT_NAME headers)
install(TARGETS terrawatt tw_headers EXPORT terrawattTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/terrawatt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/terrawatt/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/terrawatt)
install(EXPORT terrawattTargets NAMESPACE terrawatt:: DESTINATION ${TW_CMAKE_DIR})
configure_package_config_file(cmake/terrawattConfig.cmake.in
  ${PROJECT_BINARY_DIR}/terrawattConfig.cmake INSTALL_DESTINATION ${TW_CMAKE_DIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/terrawattConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/terrawattConfig.cmake
              ${PROJECT_BINARY_DIR}/terrawattConfigVersion.cmake DESTINATION ${TW_CMAKE_DIR})

# pkg-config: the public headers include <mpi.h> and <cyaml/cyaml.h>, so
# MPI's flags and libcyaml are public (Cflags, Libs, Requires); the rest is
# private (Requires.private, Libs.private: static linking only).
set(TW_PC_REQUIRES "")
set(TW_PC_REQUIRES_PRIVATE "")
set(TW_PC_CFLAGS_MPI "")
set(TW_PC_LIBS_MPI "")
set(TW_PC_LIBS_PRIVATE "-lm")
if(NOT TW_BACKEND_ONLY)
  set(TW_PC_REQUIRES "libcyaml")
  set(TW_PC_REQUIRES_PRIVATE "netcdf yaml-0.1 udunits")
  foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
    string(APPEND TW_PC_CFLAGS_MPI " -I${dir}")
  endforeach()
  foreach(opt IN LISTS MPI_C_COMPILE_OPTIONS)
    string(APPEND TW_PC_CFLAGS_MPI " ${opt}")
  endforeach()
  foreach(def IN LISTS MPI_C_COMPILE_DEFINITIONS)
    string(APPEND TW_PC_CFLAGS_MPI " -D${def}")
  endforeach()
  foreach(lib IN LISTS MPI_C_LIBRARIES)
    if(lib MATCHES "^/")
      get_filename_component(dir ${lib} DIRECTORY)
      get_filename_component(name ${lib} NAME_WE)
      string(REGEX REPLACE "^lib" "" name ${name})
      string(APPEND TW_PC_LIBS_MPI " -L${dir} -l${name}")
    else()
      string(APPEND TW_PC_LIBS_MPI " ${lib}")
    endif()
  endforeach()
  string(PREPEND TW_PC_LIBS_PRIVATE "-lglpk ")
endif()
if(OPENBLAS_FOUND)
  string(APPEND TW_PC_REQUIRES_PRIVATE " openblas")
endif()
if(OpenMP_C_FOUND)
  string(APPEND TW_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
if(CMAKE_DL_LIBS) # the CUDA backend library is loaded with dlopen, never linked
  string(APPEND TW_PC_LIBS_PRIVATE " -l${CMAKE_DL_LIBS}")
endif()
string(STRIP "${TW_PC_REQUIRES_PRIVATE}" TW_PC_REQUIRES_PRIVATE)
configure_file(cmake/terrawatt.pc.in ${PROJECT_BINARY_DIR}/terrawatt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/terrawatt.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
