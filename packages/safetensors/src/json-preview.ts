/**
 * Renders an untrusted JSON value for an error message: bounded in length and depth, and
 * never throws. JSON.stringify would not do: it recurses, so a header nesting arrays 100k
 * deep (which JSON.parse accepts) turns a "malformed file" error into a RangeError, and a
 * 100 MB string field would become a 100 MB message.
 */

const MAX_CHARS = 120;
const MAX_DEPTH = 4;

export function jsonPreview(value: unknown, maxChars = MAX_CHARS): string {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  const walk = (v: unknown, depth: number): void => {
    if (length > maxChars) return;
    if (typeof v === 'string') {
      push(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v));
    } else if (typeof v !== 'object' || v === null) {
      push(String(v));
    } else if (depth >= MAX_DEPTH) {
      push(Array.isArray(v) ? '[…]' : '{…}');
    } else if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length && length <= maxChars; i++) {
        if (i > 0) push(',');
        walk(v[i], depth + 1);
      }
      push(']');
    } else {
      push('{');
      let first = true;
      for (const key in v) {
        if (length > maxChars) break;
        if (!Object.hasOwn(v, key)) continue;
        if (!first) push(',');
        first = false;
        push(`${JSON.stringify(key.length > maxChars ? key.slice(0, maxChars) : key)}:`);
        walk((v as Record<string, unknown>)[key], depth + 1);
      }
      push('}');
    }
  };
  walk(value, 0);
  const text = parts.join('');
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** Full JSON when it can be produced (e.g. an index's total_size), else a preview. */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return jsonPreview(value);
  }
}
