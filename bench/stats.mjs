// The one median of the benchmarks, so every figure called a median is computed alike.

/** The median of numbers in any order: the middle one, or the mean of the two middles of an even count (null for none). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
