/**
 * Suggestions for a misspelled tensor name: the few candidates with the smallest edit
 * distance. Only for error messages; not a fuzzy lookup.
 */

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let curr = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
      rowMin = Math.min(rowMin, curr[j]);
    }
    if (rowMin > cap) return cap + 1; // every path already costs more than we care about
    [prev, curr] = [curr, prev];
  }
  return prev[b.length];
}

/** Up to `count` names closest to `target`, nearest first (ties in name order). */
export function closeNames(target: string, candidates: readonly string[], count = 5): string[] {
  const cap = Math.max(3, Math.ceil(target.length / 2));
  return candidates
    .map((name) => ({ name, d: editDistance(target, name, cap) }))
    .filter((c) => c.d <= cap)
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1))
    .slice(0, count)
    .map((c) => c.name);
}

/** The tail of a "tensor not found" message: close names, or a sample of what exists. */
export function suggestionText(target: string, candidates: readonly string[]): string {
  const close = closeNames(target, candidates);
  if (close.length > 0) return `closest names: ${close.join(', ')}`;
  if (candidates.length === 0) return 'it holds no tensors';
  const sample = candidates.slice(0, 5).join(', ');
  return `it holds ${candidates.length} tensors, e.g. ${sample}`;
}
