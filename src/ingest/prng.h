/* Private: a small deterministic PRNG (splitmix64 seeding xoshiro256**,
 * Blackman & Vigna 2018) so generated data is identical on every machine.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_PRNG_H
#define TW_INGEST_PRNG_H

#include <math.h>
#include <stdint.h>

typedef struct tw_prng {
  uint64_t s[4];
} tw_prng;

static inline uint64_t tw_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline void tw_prng_seed(tw_prng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = tw_splitmix64(&seed);
}

static inline uint64_t tw_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t tw_prng_next(tw_prng *r) {
  uint64_t *s = r->s;
  uint64_t result = tw_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = tw_rotl(s[3], 45);
  return result;
}

/* Uniform in (0, 1). */
static inline double tw_prng_uniform(tw_prng *r) {
  return ((double)(tw_prng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal (Box-Muller; one value per call). */
static inline double tw_prng_normal(tw_prng *r) {
  double u1 = tw_prng_uniform(r), u2 = tw_prng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
