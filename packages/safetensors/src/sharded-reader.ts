/**
 * A TensorReader over a Hugging Face sharded checkpoint: `model.safetensors.index.json`
 * (`{metadata: {total_size}, weight_map: {name: shard file}}`) plus its shards. Shards are
 * opened on first use, so listing names costs one small JSON read. Not the directory
 * probing logic (open-checkpoint.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { suggestionText } from './close-names.js';
import type { NativeArray } from './dtype.js';
import { openSafetensors } from './file-reader.js';
import { jsonPreview, jsonText } from './json-preview.js';
import { badCheckpoint, SafetensorsError } from './safetensors-error.js';
import { sortNames } from './sort-names.js';
import type { TensorInfo, TensorReader } from './tensor-reader.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ParsedIndex {
  metadata: Record<string, string>;
  /** tensor name -> shard file name (relative to the index's directory). */
  weightMap: Map<string, string>;
}

function parseIndex(indexPath: string): ParsedIndex {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (cause) {
    throw badCheckpoint(
      indexPath,
      `cannot read index JSON (${(cause as Error).message})`,
      undefined,
      cause,
    );
  }
  if (!isPlainObject(json) || !isPlainObject(json.weight_map)) {
    throw badCheckpoint(
      indexPath,
      `index must be an object with a "weight_map" object of name -> shard file`,
    );
  }
  const metadataIn = json.metadata ?? {};
  if (!isPlainObject(metadataIn)) throw badCheckpoint(indexPath, `"metadata" must be an object`);
  // The reader API exposes string metadata; total_size is a number in HF indexes.
  const metadata = Object.fromEntries(
    Object.entries(metadataIn).map(([k, v]) => [k, typeof v === 'string' ? v : jsonText(v)]),
  );
  const weightMap = new Map<string, string>();
  for (const [name, shard] of Object.entries(json.weight_map)) {
    if (typeof shard !== 'string' || shard === '') {
      throw badCheckpoint(
        indexPath,
        `weight_map value must be a shard file name, got ${jsonPreview(shard)}`,
        name,
      );
    }
    const rel = normalize(shard);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
      throw badCheckpoint(
        indexPath,
        `shard path ${jsonPreview(shard)} leaves the checkpoint directory`,
        name,
      );
    }
    weightMap.set(name, rel);
  }
  return { metadata, weightMap };
}

export class ShardedReader implements TensorReader {
  readonly metadata: Record<string, string>;
  private readonly weightMap: Map<string, string>;
  private readonly sorted: string[];
  private readonly dir: string;
  private readonly shards = new Map<string, TensorReader>();
  private closed = false;

  constructor(private readonly indexPath: string) {
    const index = parseIndex(indexPath);
    this.metadata = index.metadata;
    this.weightMap = index.weightMap;
    this.sorted = sortNames(index.weightMap.keys());
    this.dir = dirname(indexPath);
  }

  /** Shard file names in first-use order of the sorted tensor names. */
  shardFiles(): string[] {
    return [...new Set(this.sorted.map((n) => this.weightMap.get(n)!))];
  }

  names(): string[] {
    return [...this.sorted];
  }

  has(name: string): boolean {
    return this.weightMap.has(name);
  }

  private shardFor(name: string): TensorReader {
    const shard = this.weightMap.get(name);
    if (shard === undefined) {
      throw badCheckpoint(
        this.indexPath,
        `no such tensor (${suggestionText(name, this.sorted)})`,
        name,
      );
    }
    if (this.closed) {
      throw new SafetensorsError(
        'BAD_INPUT',
        this.indexPath,
        `${this.indexPath}: cannot read tensor '${name}', the reader is closed`,
        { tensor: name },
      );
    }
    let reader = this.shards.get(shard);
    if (reader === undefined) {
      reader = openSafetensors(join(this.dir, shard));
      this.shards.set(shard, reader);
    }
    if (!reader.has(name)) {
      throw badCheckpoint(
        this.indexPath,
        `weight_map puts the tensor in ${shard}, but that shard does not contain it`,
        name,
      );
    }
    return reader;
  }

  info(name: string): TensorInfo {
    return this.shardFor(name).info(name);
  }

  readBytes(name: string): Uint8Array {
    return this.shardFor(name).readBytes(name);
  }

  read(name: string): NativeArray {
    return this.shardFor(name).read(name);
  }

  readF32(name: string): Float32Array {
    return this.shardFor(name).readF32(name);
  }

  close(): void {
    this.closed = true;
    for (const reader of this.shards.values()) reader.close();
    this.shards.clear();
  }
}
