#!/usr/bin/env bash
# `cmake --install` installs the binary, the library, the headers and a
# pkg-config file with which a program compiles, links and runs.
set -euo pipefail
BIN="${TW_BINARY_DIR:?}"
P="$(mktemp -d)"; trap 'rm -rf "$P"' EXIT
cmake --install "$BIN" --prefix "$P/prefix" > /dev/null
LIBDIR="$(dirname "$(find "$P/prefix" -name 'libterrawatt.so' | head -1)")"
[ -x "$P/prefix/bin/terrawatt" ] && [ -f "$P/prefix/include/terrawatt/status.h" ]
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
cat > "$P/use.c" <<'C'
#include <stdio.h>
#include <terrawatt/time.h>
#include <terrawatt/version.h>
int main(void) {
  tw_calendar c;
  if (tw_calendar_parse("365_day", &c) != TW_OK) return 1;
  printf("%s %s\n", TW_VERSION_STRING, tw_calendar_name(c));
  return 0;
}
C
cc "$P/use.c" $(pkg-config --cflags --libs terrawatt) -Wl,-rpath,"$LIBDIR" -o "$P/use"
"$P/use" | grep -q " noleap$"
"$P/prefix/bin/terrawatt" version | grep -q "^terrawatt "
echo "install: ok"
