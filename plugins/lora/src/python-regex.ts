/**
 * A Python regular expression (as PEFT's `re.fullmatch` reads it) compiled into a JavaScript
 * RegExp that accepts the same whole module names. (Python's `\d \w \s \b` also take
 * non-ASCII characters, JavaScript's without `u` do not: the same for the ASCII names
 * modules have.) Python spellings JavaScript lacks are rewritten when the rewrite is exact
 * (`(?P<n>`, `(?P=n)`, `\A`, `\Z`, `{,n}`, `{,}`); any
 * other construct is refused with the reason rather than run with a different meaning,
 * because without the `u` flag JavaScript quietly reads e.g. `\Z` as the letter Z.
 *
 * Not here: which module names the expression is matched against (target-modules.ts).
 */

/** Letter escapes both engines read the same way (digits are backreferences in both). */
const SHARED_LETTER_ESCAPES = new Set('dDsSwWbBntrfvxu');

/** Why `expr` cannot run as JavaScript, or the JavaScript source of the same language. */
export function translatePythonRegex(expr: string): { source: string } | { error: string } {
  let out = '';
  let inClass = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '\\') {
      const next = expr[i + 1];
      if (next === undefined) return { error: 'it ends with a lone backslash' };
      i++;
      if (/[A-Za-z]/.test(next) && !SHARED_LETTER_ESCAPES.has(next)) {
        // Outside a class \A and \Z are the string's ends; fullmatch anchors both anyway.
        if (!inClass && next === 'A') out += '^';
        else if (!inClass && next === 'Z') out += '$';
        else
          return { error: `the escape \\${next} means something else (or nothing) in JavaScript` };
      } else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in Python; JavaScript reads '[]' as empty.
      const negated = expr[i + 1] === '^';
      if (negated) out += expr[++i];
      if (expr[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (expr.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(expr.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    // Python reads {,n} as {0,n} and {,} as {0,}; JavaScript (without `u`) as literal text.
    const upTo = /^\{,(\d*)\}/.exec(expr.slice(i));
    if (upTo) {
      out += `{0,${upTo[1]}}`;
      i += upTo[0].length - 1;
      continue;
    }
    out += c;
  }
  return { source: out };
}

/**
 * `expr` as a RegExp that must match the whole string (Python's `re.fullmatch`); throws an
 * Error saying what in `expr` JavaScript cannot run.
 */
export function fullMatchRegex(expr: string): RegExp {
  const translated = translatePythonRegex(expr);
  if ('error' in translated) throw new Error(translated.error);
  try {
    // Compiled alone first: wrapping an unbalanced `a)|(b` would make it balanced and wrong.
    new RegExp(translated.source);
    return new RegExp(`^(?:${translated.source})$`);
  } catch (cause) {
    // The engine's message repeats the wrapped source; the reason is after the last colon.
    const reason = (cause as Error).message.split(': ').pop();
    throw new Error(`JavaScript cannot compile it (${reason})`, { cause });
  }
}
