/**
 * Validation of untrusted config objects through a valibot schema, with failures turned
 * into gft's BAD_CONFIG errors. Schemas carry, as each check's message, only what the value
 * must be ("a positive integer"); this file adds the source, the dotted field path, the
 * value it holds and, for unknown keys, the known ones with the likeliest meant.
 */
import * as v from 'valibot';
import { closestName } from './closest-name.js';
import { GftError, listChoices } from './gft-error.js';

export interface SchemaErrorStyle {
  /** Names where the object came from, first in the message: a file, `flags`, `lora option`. */
  source: string;
  /** How a field is named in the message; default `field 'lora.r'`. */
  field?: (path: string) => string;
  /** The error's `where` for a field; default `source#path`. */
  where?: (path: string) => string;
  /** A bad key's message (after `source: `); default lists the known keys. */
  unknownKey?: (key: string, known: readonly string[], closest: string | undefined) => string;
  /**
   * Report the top-level field and its whole value, not the entry inside it: for flat
   * files (config.json, adapter_config.json) whose fields are read as wholes.
   */
  topLevel?: boolean;
  /** Prints the value a field holds; default bounded JSON. */
  preview?: (value: unknown) => string;
}

const PREVIEW_CHARS = 200;

function defaultPreview(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

function defaultUnknownKey(key: string, known: readonly string[], closest?: string): string {
  const hint = closest ? ` (did you mean '${closest}'?)` : '';
  return `unknown field '${key}'; known fields: ${listChoices(known)}${hint}`;
}

type SchemaNode = {
  message?: unknown;
  pipe?: SchemaNode[];
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
};

/** The schema under pipes and optional/nullable wrappers, where its entries are. */
function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  while (current?.pipe?.[0] && current.pipe[0] !== current) current = current.pipe[0];
  return current?.wrapped ? unwrap(current.wrapped) : current;
}

/** The schema of the field at `path` (undefined where the path leaves declared entries). */
function schemaAt(
  schema: v.GenericSchema,
  path: readonly v.IssuePathItem[],
): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema as SchemaNode;
  for (const item of path) {
    const entries: Record<string, SchemaNode> | undefined = unwrap(node)?.entries;
    if (!entries || typeof item.key !== 'string' || !Object.hasOwn(entries, item.key)) return;
    node = entries[item.key];
  }
  return node;
}

/** The first custom message a schema carries (its "must be" text), for absent fields. */
function mustBeOf(node: SchemaNode | undefined): string | undefined {
  if (!node) return;
  if (typeof node.message === 'string') return node.message;
  for (const item of node.pipe ?? []) {
    if (item !== node && typeof item.message === 'string') return item.message;
  }
  return mustBeOf(node.wrapped);
}

/** Turns the first issue of a failed parse into a GftError naming the field and its value. */
export function schemaError(
  schema: v.GenericSchema,
  issue: v.BaseIssue<unknown>,
  style: SchemaErrorStyle,
): GftError {
  const preview = style.preview ?? defaultPreview;
  const fullPath = issue.path ?? [];
  const unknownKey = fullPath.at(-1)?.origin === 'key' && issue.expected === 'never';
  const path = style.topLevel && !unknownKey ? fullPath.slice(0, 1) : fullPath;
  const last = path.at(-1);
  const dotted = path.map((item) => String(item.key)).join('.');
  if (unknownKey && last) {
    // valibot reports an unknown key with the key itself as the last path item.
    const parentPath = path.slice(0, -1);
    const entries = unwrap(schemaAt(schema, parentPath))?.entries ?? {};
    const known = Object.keys(entries).filter((k) => k !== '$schema');
    const key = String(last.key);
    const prefix = parentPath.map((item) => String(item.key)).join('.');
    const message = (style.unknownKey ?? defaultUnknownKey)(
      prefix ? `${prefix}.${key}` : key,
      known,
      closestName(key, known),
    );
    return new GftError('BAD_CONFIG', `${style.source}: ${message}`, {
      where: style.where?.(dotted) ?? `${style.source}#${dotted}`,
    });
  }
  if (!last) {
    return new GftError(
      'BAD_CONFIG',
      `${style.source}: must be ${issue.message}, got ${preview(issue.input)}`,
      { where: style.source },
    );
  }
  const value = last.value;
  // A missing required key comes with valibot's generic text; say what the field must be.
  const mustBe =
    last.origin === 'key' && path.length === fullPath.length
      ? (mustBeOf(schemaAt(schema, path)) ?? issue.expected)
      : issue.message;
  const field = style.field?.(dotted) ?? `field '${dotted}'`;
  const got = value === undefined ? 'nothing (field absent)' : preview(value);
  return new GftError('BAD_CONFIG', `${style.source}: ${field} must be ${mustBe}, got ${got}`, {
    where: style.where?.(dotted) ?? `${style.source}#${dotted}`,
  });
}

/**
 * Parses `input` with `schema`; the first failure is a BAD_CONFIG GftError (schemaError).
 * Only the first issue is reported, as the hand-written checks did: later ones often follow
 * from it.
 */
export function parseConfig<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  style: SchemaErrorStyle,
): v.InferOutput<S> {
  // valibot's object schemas take arrays (as objects keyed '0', '1', ...); a config is not one.
  if (Array.isArray(input) && unwrap(schema as SchemaNode)?.entries) {
    const mustBe = mustBeOf(schema as SchemaNode) ?? 'an object';
    const preview = style.preview ?? defaultPreview;
    throw new GftError('BAD_CONFIG', `${style.source}: must be ${mustBe}, got ${preview(input)}`, {
      where: style.source,
    });
  }
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  throw schemaError(schema, result.issues[0], style);
}
