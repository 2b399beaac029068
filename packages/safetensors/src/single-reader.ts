/**
 * A TensorReader over one parsed safetensors file, whatever holds its bytes (a file
 * descriptor or memory). Not the opener: see file-reader.ts and parse-safetensors.ts.
 */
import type { ByteSource } from './byte-source.js';
import { suggestionText } from './close-names.js';
import { nativeToF32, viewNative } from './decode.js';
import type { NativeArray } from './dtype.js';
import type { ParsedHeader } from './header.js';
import { badCheckpoint, SafetensorsError } from './safetensors-error.js';
import type { TensorInfo, TensorReader } from './tensor-reader.js';

export class SingleFileReader implements TensorReader {
  readonly metadata: Record<string, string>;
  private readonly byName: Map<string, TensorInfo>;
  private readonly sorted: string[];
  private source: ByteSource | undefined;

  constructor(
    header: ParsedHeader,
    source: ByteSource,
    private readonly file: string,
  ) {
    this.metadata = header.metadata;
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
    this.sorted = header.tensors.map((t) => t.name);
    this.source = source;
  }

  names(): string[] {
    return [...this.sorted];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.byName.get(name);
    if (info === undefined) {
      throw badCheckpoint(this.file, `no such tensor (${suggestionText(name, this.sorted)})`, name);
    }
    return { ...info, shape: [...info.shape] };
  }

  readBytes(name: string): Uint8Array {
    const info = this.info(name);
    if (this.source === undefined) {
      throw new SafetensorsError(
        'BAD_INPUT',
        this.file,
        `${this.file}: cannot read tensor '${name}', the reader is closed`,
        { tensor: name },
      );
    }
    return this.source.readAt(info.byteOffset, info.byteLength, name);
  }

  read(name: string): NativeArray {
    return viewNative(this.readBytes(name), this.byName.get(name)!.dtype);
  }

  readF32(name: string): Float32Array {
    return nativeToF32(this.read(name), this.byName.get(name)!.dtype);
  }

  close(): void {
    const source = this.source;
    this.source = undefined;
    source?.close();
  }
}
