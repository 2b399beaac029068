/**
 * Skip or fail. A test names what it needs from outside the repository; where that is
 * missing the test skips with the reason in its title, unless the machine declared it in
 * GFT_REQUIRE (comma-separated requirement names, or `all`): then it throws while the
 * file is collected, naming what is missing, so a run that should have covered it fails
 * instead of passing by skipping. CI declares everything it installs.
 *
 *   const arena = needs('arena-data');
 *   describe.skipIf(!arena.ok)(arena.title('the real sample'), () => { ... });
 */
import {
  REQUIREMENT_NAMES,
  REQUIREMENTS,
  type Requirement,
  type RequirementName,
} from './requirements.js';

export interface Need {
  /** Whether the requirement is there: run the tests. */
  readonly ok: boolean;
  /** Why not ('' when ok). */
  readonly reason: string;
  /** `title` when ok; else `title (skipped: needs NAME: reason)`, so reports say why. */
  title(title: string): string;
}

/** The requirements GFT_REQUIRE declares; an unknown name is an error listing the known ones. */
export function declaredRequirements(
  value: string | undefined = process.env.GFT_REQUIRE,
): Set<RequirementName> {
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.includes('all')) return new Set(REQUIREMENT_NAMES);
  const unknown = names.filter((n) => !(REQUIREMENT_NAMES as string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `GFT_REQUIRE names unknown requirement(s) ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `known: ${REQUIREMENT_NAMES.join(', ')} (or 'all')`,
    );
  }
  return new Set(names as RequirementName[]);
}

/**
 * Whether `name` is there: its own check, then the test's `probe` if it passes one (why it
 * is missing, or undefined: e.g. the browser starts, not just exists). A requirement without
 * a check of its own needs the probe. Throws when it is missing but declared in GFT_REQUIRE.
 */
export function needs(name: RequirementName, probe?: () => string | undefined): Need {
  const declared = declaredRequirements();
  const spec: Requirement = REQUIREMENTS[name];
  if (spec === undefined) {
    throw new Error(`unknown requirement '${name}'; known: ${REQUIREMENT_NAMES.join(', ')}`);
  }
  if (spec.missing === undefined && probe === undefined) {
    throw new Error(`requirement '${name}' has no check of its own: pass needs('${name}', probe)`);
  }
  let reason = spec.missing?.();
  if (reason === undefined && probe !== undefined) reason = probe();
  if (reason === undefined || reason === '') {
    return { ok: true, reason: '', title: (title) => title };
  }
  if (declared.has(name)) {
    throw new Error(
      `GFT_REQUIRE declares '${name}' (${spec.provides}) but it is missing: ${reason}`,
    );
  }
  const short = reason.split('\n')[0];
  return { ok: false, reason, title: (title) => `${title} (skipped: needs ${name}: ${short})` };
}
