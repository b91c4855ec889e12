#!/usr/bin/env bash
# `cmake --install` installs the binary, the library, the headers, a CMake
# package and a pkg-config file. A program that includes EVERY public header
# (and calls the library and MPI) compiles, links and runs against the
# installed tree twice: through find_package(terrawatt) and through
# pkg-config. Only the public API is exported from the library.
set -euo pipefail
BIN="${TW_BINARY_DIR:?}"
SRC="${TW_SOURCE_DIR:?}"
P="$(mktemp -d)"; trap 'rm -rf "$P"' EXIT
cmake --install "$BIN" --prefix "$P/prefix" > /dev/null
LIBDIR="$(dirname "$(find "$P/prefix" -name 'libterrawatt.so' | head -1)")"
[ -x "$P/prefix/bin/terrawatt" ] && [ -f "$LIBDIR/cmake/terrawatt/terrawattConfig.cmake" ] &&
  [ -f "$LIBDIR/cmake/terrawatt/terrawattConfigVersion.cmake" ] && [ -f "$LIBDIR/pkgconfig/terrawatt.pc" ]

# Every public header of the source tree is installed, and the program
# includes every installed one.
for h in "$SRC"/include/terrawatt/*.h; do
  [ -f "$P/prefix/include/terrawatt/$(basename "$h")" ] || { echo "not installed: $h"; exit 1; }
done
mkdir -p "$P/use"
{
  for h in "$P"/prefix/include/terrawatt/*.h; do echo "#include <terrawatt/$(basename "$h")>"; done
  cat <<'C'
#include <stdio.h>
int main(void) {
  int mpi = 0;
  MPI_Initialized(&mpi); /* MPI's flags come with terrawatt's */
  tw_calendar c;
  if (tw_calendar_parse("365_day", &c) != TW_OK) return 1;
  double v[3] = {3, 1, 2};
  printf("%s %s %g %d\n", TW_VERSION_STRING, tw_calendar_name(c), tw_quantile(v, 3, 0.5), mpi);
  return 0;
}
C
} > "$P/use/use.c"
n=$(grep -c '^#include <terrawatt/' "$P/use/use.c")
[ "$n" -ge 40 ] || { echo "only $n public headers installed"; exit 1; }

# 1. pkg-config
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
cc -std=c11 -Wall -Werror "$P/use/use.c" $(pkg-config --cflags --libs terrawatt) \
   -Wl,-rpath,"$LIBDIR" -o "$P/use_pc"
"$P/use_pc" | grep -q " noleap 2 0$"
echo "install: pkg-config: $n public headers compile, link and run"

# 2. find_package(terrawatt)
cat > "$P/use/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.24)
project(use_terrawatt LANGUAGES C)
find_package(terrawatt 0.1 REQUIRED)
add_executable(use use.c)
set_target_properties(use PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
target_compile_options(use PRIVATE -Wall -Werror)
target_link_libraries(use PRIVATE terrawatt::terrawatt)
CM
cmake -S "$P/use" -B "$P/use/build" -DCMAKE_PREFIX_PATH="$P/prefix" \
      -DCMAKE_BUILD_RPATH="$LIBDIR" > "$P/cmake.log" 2>&1 || { cat "$P/cmake.log"; exit 1; }
cmake --build "$P/use/build" > "$P/build.log" 2>&1 || { cat "$P/build.log"; exit 1; }
"$P/use/build/use" | grep -q " noleap 2 0$"
echo "install: find_package(terrawatt): $n public headers compile, link and run"

# Only the public API is exported: an internal function is not.
if nm -D --defined-only "$LIBDIR/libterrawatt.so" | grep -q ' tw_nc_write_reason$'; then
  echo "libterrawatt exports an internal symbol (tw_nc_write_reason)"; exit 1
fi
"$P/prefix/bin/terrawatt" version | grep -q "^terrawatt "
echo "install: ok"
