# tw_add_test(NAME <name> SOURCES <files...> LABELS <labels...>
#             [MPI_RANKS <n>] [ARGS <args...>] [LIBS <libs...>])
# Builds a test executable linked with tw_internal (every module, all symbols; and cmocka), registers
# it with ctest under its module labels, and treats exit code 77 as a skip.
pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)
if(NOT TW_BACKEND_ONLY)
  find_program(TW_MPIEXEC NAMES mpiexec mpirun HINTS ${MPI_C_COMPILER_DIR})
endif()

set(TW_REFERENCE_DATA_DEFAULT "${PROJECT_SOURCE_DIR}/../shared/data")
# Reference data (../shared/data): tests skip (exit 77) where it is absent,
# unless it is required (CI), when they fail. $TW_REFERENCE_DATA and
# $TW_REQUIRE_REFERENCE_DATA at test time take precedence (tests/reference_data.h).
set(TW_REFERENCE_DATA "" CACHE PATH "Reference data folder for the tests (empty: ../shared/data next to the source tree)")
option(TW_REQUIRE_REFERENCE_DATA "Tests that need the reference data fail instead of skipping when it is absent (CI)" OFF)
if(TW_REQUIRE_REFERENCE_DATA)
  set(TW_REFERENCE_ENV "TW_CONFIGURED_REQUIRE_REFERENCE_DATA=1")
else()
  set(TW_REFERENCE_ENV "TW_CONFIGURED_REQUIRE_REFERENCE_DATA=0")
endif()
if(TW_REFERENCE_DATA)
  list(APPEND TW_REFERENCE_ENV "TW_CONFIGURED_REFERENCE_DATA=${TW_REFERENCE_DATA}")
endif()

function(tw_add_test)
  cmake_parse_arguments(T "" "NAME;MPI_RANKS;TIMEOUT" "SOURCES;LABELS;ARGS;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE tw_internal ${T_LIBS})
  if(CMOCKA_FOUND)
    target_link_libraries(${T_NAME} PRIVATE PkgConfig::CMOCKA)
  endif()
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  tw_target_warnings(${T_NAME})
  if(T_MPI_RANKS)
    set(cmd ${TW_MPIEXEC} --oversubscribe -np ${T_MPI_RANKS} $<TARGET_FILE:${T_NAME}> ${T_ARGS})
  else()
    set(cmd $<TARGET_FILE:${T_NAME}> ${T_ARGS})
  endif()
  add_test(NAME ${T_NAME} COMMAND ${cmd})
  set(env "TW_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "TW_BINARY_DIR=${PROJECT_BINARY_DIR}"
          "TW_CLI=$<$<TARGET_EXISTS:terrawatt_cli>:$<TARGET_FILE:terrawatt_cli>>"
          "OMPI_ALLOW_RUN_AS_ROOT=1" "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1" "OMPI_MCA_rmaps_base_oversubscribe=1"
          "OMP_NUM_THREADS=2" ${TW_REFERENCE_ENV})
  if(TW_HAVE_CUDA)
    # Tests link the static tw_internal, so the backend cannot find
    # libterrawatt_cuda.so next to libterrawatt: name it.
    list(APPEND env "TW_CUDA_LIBRARY=$<TARGET_FILE:terrawatt_cuda>")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" SKIP_RETURN_CODE 77
                       ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT})
endfunction()

# tw_add_script_test(NAME <name> COMMAND <cmd...> LABELS <labels...>)
# Registers a shell-driven test (end-to-end CLI tests).
function(tw_add_script_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "COMMAND;LABELS" ${ARGN})
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" SKIP_RETURN_CODE 77 TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "TW_SOURCE_DIR=${PROJECT_SOURCE_DIR};TW_BINARY_DIR=${PROJECT_BINARY_DIR};TW_CLI=$<$<TARGET_EXISTS:terrawatt_cli>:$<TARGET_FILE:terrawatt_cli>>;OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMP_NUM_THREADS=2;${TW_REFERENCE_ENV}")
endfunction()
