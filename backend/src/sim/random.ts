/**
 * Seeded randomness for the simulator: a small, fast PRNG (mulberry32) with normal, Poisson and
 * exponential draws, plus a stable hash for lazily generated content (logs, traces) so that the
 * same (seed, keys) always yields the same bits without storing them.
 */

/** 32-bit mix (murmur3 finaliser). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable 32-bit hash of a seed and any keys (strings or numbers). */
export function hash32(seed: number, ...keys: Array<string | number>): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  for (const rawKey of keys) {
    let key = rawKey;
    if (typeof key === 'number') {
      // Hash integers exactly and non-integers through their string form.
      if (Number.isInteger(key) && Math.abs(key) < 2 ** 53) {
        const lo = (key % 2 ** 32) >>> 0;
        const hi = Math.floor(key / 2 ** 32) >>> 0;
        h = mix32(h ^ lo ^ 0x27d4eb2d);
        h = mix32(h ^ hi ^ 0x165667b1);
        continue;
      }
      key = String(key);
    }
    h = mix32(h ^ 0x1b873593);
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    h = mix32(h ^ key.length);
  }
  return h >>> 0;
}

/** Uniform [0,1) from the stable hash. */
export function hashUnit(seed: number, ...keys: Array<string | number>): number {
  return hash32(seed, ...keys) / 4294967296;
}

/** `chars` lowercase hex characters derived from the stable hash. */
export function hashHex(chars: number, seed: number, ...keys: Array<string | number>): string {
  let out = '';
  let i = 0;
  while (out.length < chars) {
    out += hash32(seed, ...keys, 'hex', i++)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, chars);
}

const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes-style random suffix (consonants and digits), derived from the stable hash. */
export function hashK8sSuffix(chars: number, seed: number, ...keys: Array<string | number>): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += K8S_ALPHABET[hash32(seed, ...keys, 'k8s', i) % K8S_ALPHABET.length];
  }
  return out;
}

/** Seeded PRNG (mulberry32) with distribution helpers. */
export class Rng {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = mix32(seed >>> 0 || 0x6d2b79f5);
  }

  /** Uniform [0,1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error('Rng.pick: empty list');
    }
    return items[this.int(items.length)] as T;
  }

  /** Standard normal (Box–Muller, caching the spare draw). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u <= 1e-300) {
      u = this.next();
    }
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  exponential(rate: number): number {
    if (!(rate > 0)) {
      throw new Error(`Rng.exponential: rate must be > 0 (got ${rate})`);
    }
    let u = 0;
    while (u <= 1e-300) {
      u = this.next();
    }
    return -Math.log(u) / rate;
  }

  /** Poisson draw: Knuth for small means, rounded normal approximation above 30. */
  poisson(mean: number): number {
    if (!(mean > 0)) {
      return 0;
    }
    if (mean > 30) {
      return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}
