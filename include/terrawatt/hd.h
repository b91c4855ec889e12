/* terrawatt: TW_HD marks per-element math shared by the CPU and CUDA
 * backends. Headers that use it are written in the common subset of C11 and
 * C++ so nvcc and the C compiler both accept them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_HD_H
#define TERRAWATT_HD_H

#if defined(__CUDACC__)
#define TW_HD __host__ __device__
#else
#define TW_HD
#endif

#endif
