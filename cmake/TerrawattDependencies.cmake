# Required libraries: MPI, NetCDF-C, GLPK, CBLAS (OpenBLAS), OpenMP, libcyaml.
# A TW_BACKEND_ONLY build needs none of them (CBLAS and OpenMP are used when
# found).
find_package(PkgConfig REQUIRED)
find_package(OpenMP COMPONENTS C)

pkg_check_modules(OPENBLAS IMPORTED_TARGET openblas)
if(NOT OPENBLAS_FOUND AND NOT TW_BACKEND_ONLY)
  message(FATAL_ERROR "OpenBLAS (pkg-config 'openblas') not found: run scripts/setup.sh")
endif()

if(NOT TW_BACKEND_ONLY)
  if(NOT OpenMP_C_FOUND)
    message(FATAL_ERROR "OpenMP for C not found")
  endif()
  find_package(MPI REQUIRED COMPONENTS C)
  pkg_check_modules(NETCDF REQUIRED IMPORTED_TARGET netcdf)
  pkg_check_modules(CYAML REQUIRED IMPORTED_TARGET libcyaml)
  # libyaml itself (libcyaml's dependency): the scenario's `years:` key is a list or "all"
  pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)
  find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
  find_library(GLPK_LIBRARY glpk REQUIRED)
endif()

function(tw_link_dependencies target)
  if(OPENBLAS_FOUND)
    target_link_libraries(${target} PUBLIC PkgConfig::OPENBLAS)
    target_compile_definitions(${target} PUBLIC TW_HAVE_CBLAS=1)
  endif()
  if(OpenMP_C_FOUND)
    target_link_libraries(${target} PUBLIC OpenMP::OpenMP_C)
  endif()
  target_link_libraries(${target} PUBLIC m)
  if(NOT TW_BACKEND_ONLY)
    target_link_libraries(${target} PUBLIC MPI::MPI_C PkgConfig::NETCDF PkgConfig::CYAML PkgConfig::LIBYAML ${GLPK_LIBRARY})
    target_include_directories(${target} PUBLIC ${GLPK_INCLUDE_DIR})
  endif()
endfunction()
