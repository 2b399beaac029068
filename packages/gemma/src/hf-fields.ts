/**
 * Typed reads of the fields of an untrusted JSON object (a Hugging Face `config.json`).
 * A value that cannot be right (a negative epsilon, a fractional head count, a string
 * size) is a BAD_CONFIG error naming the file and field, what the field must be and what
 * it holds: loading on with it would train or predict NaN without any error.
 */
import { GftError } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';

export class HfFields {
  constructor(
    readonly json: Record<string, unknown>,
    readonly file: string,
  ) {}

  /** The raw value; only own properties count (a field named like an Object method is absent). */
  get(field: string): unknown {
    return Object.hasOwn(this.json, field) ? this.json[field] : undefined;
  }

  /** Absent, or explicitly null (how Hugging Face writes "not set"). */
  unset(field: string): boolean {
    const v = this.get(field);
    return v === undefined || v === null;
  }

  fail(field: string, mustBe: string, got: unknown = this.get(field)): never {
    throw new GftError(
      'BAD_CONFIG',
      `${this.file}: field '${field}' must be ${mustBe}, got ${got === undefined ? 'nothing (field absent)' : jsonPreview(got)}`,
      { where: `${this.file}#${field}` },
    );
  }

  /** A positive safe integer; `fallback` when absent (required otherwise). */
  positiveInt(field: string, fallback?: number): number {
    const v = this.get(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    return this.fail(field, 'a positive integer');
  }

  /** A finite number > 0; `fallback` when absent (required otherwise). */
  positiveNumber(field: string, fallback?: number): number {
    const v = this.get(field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
    return this.fail(field, 'a finite number > 0');
  }

  /** A finite number > 0, or `undefined` when absent or null. */
  optionalPositiveNumber(field: string): number | undefined {
    return this.unset(field) ? undefined : this.positiveNumber(field);
  }

  /** One of `choices`, or `undefined` when absent or null. */
  optionalChoice<T extends string>(field: string, choices: readonly T[]): T | undefined {
    if (this.unset(field)) return undefined;
    const v = this.get(field);
    if ((choices as readonly unknown[]).includes(v)) return v as T;
    return this.fail(field, `one of ${choices.join(', ')} (or absent)`);
  }

  /** Absent, null or exactly `value`: for settings gft does not implement otherwise. */
  onlyUnsetOr(field: string, value: unknown, why: string): void {
    if (this.unset(field) || this.get(field) === value) return;
    this.fail(field, `${JSON.stringify(value)} or absent (${why})`);
  }
}
