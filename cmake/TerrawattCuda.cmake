# Optional CUDA backend. TW_ENABLE_CUDA=AUTO builds it when a CUDA compiler
# is found; ON requires it; OFF skips it. A CUDA build runs on machines
# without a GPU (it falls back to the cpu backend).
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

function(tw_link_cuda target)
  if(TW_HAVE_CUDA)
    set_target_properties(${target} PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)
    target_compile_definitions(${target} PUBLIC TW_HAVE_CUDA=1)
    target_link_libraries(${target} PUBLIC CUDA::cudart CUDA::cublas CUDA::cusparse)
  endif()
endfunction()
