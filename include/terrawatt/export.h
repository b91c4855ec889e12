/* terrawatt: TW_API marks the public API. libterrawatt is built with hidden
 * visibility (-fvisibility=hidden), so only declarations marked TW_API in
 * the public headers are exported from the shared library; everything
 * else stays internal (tests link the static tw_internal instead).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_EXPORT_H
#define TERRAWATT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define TW_API __attribute__((visibility("default")))
#else
#define TW_API
#endif

#endif
