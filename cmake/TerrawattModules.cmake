# One CMake target per module (src/<module>/CMakeLists.txt), each an OBJECT
# library with an explicit source list that links only the modules below it
# (docs/ARCHITECTURE.md has the graph; scripts/check-layers.sh enforces it on
# includes and symbols). libterrawatt (shared, the public API only) and
# tw_internal (static, every symbol: for the tests) are assembled from them.
#
# tw_add_module(<name> SOURCES <files...> [DEPENDS <modules...>]
#               [PUBLIC_LIBS <libs...>] [PRIVATE_LIBS <libs...>])
#   DEPENDS: lower modules (their headers and usage requirements).
#   PUBLIC_LIBS: libraries that the module's public headers include.
#   PRIVATE_LIBS: libraries used only inside its .c files.
# Every module compiles with hidden visibility: only declarations marked
# TW_API (include/terrawatt/export.h) leave libterrawatt.

# Public headers (include/terrawatt and the generated version.h).
add_library(tw_headers INTERFACE)
target_include_directories(tw_headers INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

set_property(GLOBAL PROPERTY TW_MODULES "")

function(tw_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  set(target tw_${name})
  add_library(${target} OBJECT ${M_SOURCES})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden CUDA_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_definitions(${target} PRIVATE TW_BUILDING_LIBRARY=1)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC tw_headers)
  foreach(dep IN LISTS M_DEPENDS)
    target_link_libraries(${target} PUBLIC tw_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${M_PUBLIC_LIBS} PRIVATE ${M_PRIVATE_LIBS})
  tw_target_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY TW_MODULES ${name})
endfunction()
