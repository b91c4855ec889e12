# Optional CUDA backend. TW_ENABLE_CUDA=AUTO builds it when a CUDA compiler
# is found; ON requires it; OFF skips it. The backend is a library of its
# own, libterrawatt_cuda.so (kernels/, cuBLAS, cuSPARSE, cudart), which
# libterrawatt loads with dlopen only when a CUDA backend is asked for
# (src/backend/backend.c): libterrawatt itself never links CUDA, so a
# CPU-only run maps no CUDA library, and a CUDA build runs on machines
# without a GPU (auto falls back to the cpu backend).
set(TW_HAVE_CUDA OFF)
if(NOT TW_ENABLE_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
      # A100 and H100/H200. Never "native": build machines have no GPU.
      set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "CUDA architectures")
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(TW_HAVE_CUDA ON)
  elseif(TW_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "TW_ENABLE_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
message(STATUS "terrawatt: CUDA backend ${TW_HAVE_CUDA}")

# The CUDA backend's sources: its device interface and the kernels of
# every op domain (convert, forecast, mobility, LP).
set(TW_CUDA_SOURCES
    kernels/backend_cuda.cu
    kernels/convert_kernels.cu
    kernels/forecast_kernels.cu
    kernels/mobility_vf.cu
    kernels/pdlp_ops.cu)

# tw_add_cuda_backend(<core target>): build libterrawatt_cuda.so next to
# the core library (which finds it there with dladdr) and tell the core
# library, privately, that it exists. The core library links only libdl.
function(tw_add_cuda_backend core)
  target_link_libraries(${core} PRIVATE ${CMAKE_DL_LIBS})
  if(NOT TW_HAVE_CUDA)
    return()
  endif()
  list(TRANSFORM TW_CUDA_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/ OUTPUT_VARIABLE sources)
  add_library(terrawatt_cuda SHARED ${sources})
  set_target_properties(terrawatt_cuda PROPERTIES
    CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON
    LIBRARY_OUTPUT_DIRECTORY $<TARGET_FILE_DIR:${core}>
    CUDA_VISIBILITY_PRESET hidden
    INSTALL_RPATH "$ORIGIN")
  target_include_directories(terrawatt_cuda PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(terrawatt_cuda PRIVATE ${core} CUDA::cudart CUDA::cublas CUDA::cusparse)
  target_compile_definitions(${core} PRIVATE TW_CUDA_LIBRARY_BUILT=1)
  install(TARGETS terrawatt_cuda LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()
