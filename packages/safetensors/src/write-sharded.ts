/**
 * Writes a Hugging Face sharded checkpoint: `model-0000k-of-0000n.safetensors` files plus
 * `model.safetensors.index.json`. Tensors go to shards in name order, a new shard starting
 * when the next tensor would push the current one past `maxShardBytes` (a tensor larger
 * than the limit gets a shard of its own). The index is written last, so an index on
 * disk implies complete shards. Not cleanup: stale shards of an earlier write stay.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { INDEX_FILE_NAME } from './open-checkpoint.js';
import { SafetensorsError } from './safetensors-error.js';
import { sortNames } from './sort-names.js';
import { type TensorInputs, writeSafetensors } from './write-safetensors.js';

export interface ShardedWriteOptions {
  /** Upper bound on tensor bytes per shard (headers not counted, as in transformers). */
  maxShardBytes: number;
  /** `__metadata__` of every shard; defaults to `{format: 'pt'}` like transformers. */
  metadata?: Record<string, string>;
}

export interface ShardedWriteResult {
  /** Shard file names, in order. */
  shards: string[];
  /** Path of the index file. */
  indexPath: string;
  /** Sum of tensor bytes (the index's total_size). */
  totalSize: number;
}

function shardName(k: number, n: number): string {
  const pad = (v: number) => String(v).padStart(5, '0');
  return `model-${pad(k)}-of-${pad(n)}.safetensors`;
}

export function writeShardedCheckpoint(
  dir: string,
  tensors: TensorInputs,
  options: ShardedWriteOptions,
): ShardedWriteResult {
  const { maxShardBytes } = options;
  if (!(Number.isSafeInteger(maxShardBytes) && maxShardBytes > 0)) {
    throw new SafetensorsError(
      'BAD_INPUT',
      dir,
      `${dir}: maxShardBytes must be a positive integer, got ${maxShardBytes}`,
    );
  }
  const groups: string[][] = [];
  let current: string[] = [];
  let currentBytes = 0;
  let totalSize = 0;
  for (const name of sortNames(Object.keys(tensors))) {
    // writeSafetensors checks each byte count against dtype x shape before anything is written.
    const bytes = tensors[name].data?.byteLength ?? 0;
    if (current.length > 0 && currentBytes + bytes > maxShardBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(name);
    currentBytes += bytes;
    totalSize += bytes;
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);

  mkdirSync(dir, { recursive: true });
  const metadata = options.metadata ?? { format: 'pt' };
  const mapLines: string[] = [];
  const shards = groups.map((_, i) => shardName(i + 1, groups.length));
  groups.forEach((names, i) => {
    const subset: TensorInputs = {};
    for (const name of names) {
      Object.defineProperty(subset, name, { value: tensors[name], enumerable: true });
      mapLines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(shards[i])}`);
    }
    writeSafetensors(join(dir, shards[i]), subset, metadata);
  });
  const indexPath = join(dir, INDEX_FILE_NAME);
  // Written by hand, not JSON.stringify: JS objects would move integer-like names first,
  // while transformers' json.dumps(indent=2, sort_keys=True) keeps plain sorted order.
  const body = mapLines.length === 0 ? '{}' : `{\n${mapLines.join(',\n')}\n  }`;
  const text = `{\n  "metadata": {\n    "total_size": ${totalSize}\n  },\n  "weight_map": ${body}\n}\n`;
  writeFileAtomic(indexPath, [new TextEncoder().encode(text)]);
  return { shards, indexPath, totalSize };
}
