/**
 * Code-point string order: the order of Python's `sort_keys` and of UTF-8 bytes, which
 * safetensors writers use for header keys. JS's default sort compares UTF-16 code units,
 * which differs for characters outside the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

export function sortNames(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}
