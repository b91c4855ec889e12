# Required libraries: MPI, NetCDF-C, GLPK, CBLAS (OpenBLAS), OpenMP, libcyaml, libyaml,
# udunits2 (quantities with units in scenario files).
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
  pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)
  pkg_check_modules(UDUNITS IMPORTED_TARGET udunits)
  if(NOT UDUNITS_FOUND)
    message(FATAL_ERROR "udunits2 (pkg-config 'udunits') not found: run scripts/setup.sh "
                        "(Debian package libudunits2-dev)")
  endif()
  find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
  find_library(GLPK_LIBRARY glpk REQUIRED)
endif()

# Each module links what it uses (src/<module>/CMakeLists.txt): PUBLIC where one
# of its headers includes the library (MPI, libcyaml; NetCDF for ingest's
# internal NetCDF helpers), PRIVATE otherwise. libterrawatt passes on only
# MPI and libcyaml (its public headers include them).
