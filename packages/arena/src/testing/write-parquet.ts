/**
 * Test helper: a minimal Parquet writer (one row group, PLAIN encoding, uncompressed,
 * REQUIRED UTF8 string columns, data page v1, Thrift compact footer), enough to give the
 * Parquet reader real files to read. Not part of the package's API; not a general writer.
 */
import { writeFileSync } from 'node:fs';

// Thrift compact protocol field types.
const I32 = 5;
const I64 = 6;
const BINARY = 8;
const LIST = 9;
const STRUCT = 12;

class Compact {
  bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, I32);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.header(id, I64);
    this.zigzag(v);
    return this;
  }
  binary(id: number, v: string | Uint8Array): this {
    this.header(id, BINARY);
    this.rawBinary(v);
    return this;
  }
  private rawBinary(v: string | Uint8Array): void {
    const b = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  struct(id: number, body: (w: Compact) => void): this {
    this.header(id, STRUCT);
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
    return this;
  }
  list(
    id: number,
    type: number,
    items: unknown[],
    write: (w: Compact, item: unknown) => void,
  ): this {
    this.header(id, LIST);
    if (items.length < 15) this.bytes.push((items.length << 4) | type);
    else {
      this.bytes.push(0xf0 | type);
      this.varint(BigInt(items.length));
    }
    for (const item of items) {
      if (type === STRUCT) {
        this.last.push(0);
        write(this, item);
        this.bytes.push(0);
        this.last.pop();
      } else write(this, item);
    }
    return this;
  }
  listItemI32(v: number): void {
    this.zigzag(v);
  }
  listItemBinary(v: string): void {
    this.rawBinary(v);
  }
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

/** Writes `rows` (all values strings or raw bytes) to a Parquet file with `columns`. */
export function writeParquet(
  file: string,
  columns: readonly string[],
  rows: readonly Record<string, string | Uint8Array>[],
): void {
  const parts: Uint8Array[] = [new TextEncoder().encode('PAR1')];
  let offset = 4;
  const chunks: { name: string; offset: number; size: number }[] = [];
  for (const name of columns) {
    const values = rows.map((r) => {
      const v = r[name] ?? '';
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    });
    const dataLen = values.reduce((s, v) => s + 4 + v.length, 0);
    const data = new Uint8Array(dataLen);
    const view = new DataView(data.buffer);
    let at = 0;
    for (const v of values) {
      view.setUint32(at, v.length, true);
      data.set(v, at + 4);
      at += 4 + v.length;
    }
    const header = new Compact()
      .i32(1, 0) // DATA_PAGE
      .i32(2, dataLen)
      .i32(3, dataLen)
      .struct(5, (w) => {
        w.i32(1, rows.length).i32(2, 0).i32(3, 3).i32(4, 3); // PLAIN, RLE levels
      })
      .end();
    chunks.push({ name, offset, size: header.length + dataLen });
    parts.push(header, data);
    offset += header.length + dataLen;
  }
  const meta = new Compact()
    .i32(1, 1)
    .list(2, STRUCT, [{ root: true }, ...columns.map((name) => ({ name }))], (w, item) => {
      const el = item as { root?: boolean; name?: string };
      if (el.root) w.binary(4, 'schema').i32(5, columns.length);
      else w.i32(1, 6).i32(3, 0).binary(4, el.name!).i32(6, 0); // BYTE_ARRAY, REQUIRED, UTF8
    })
    .i64(3, rows.length)
    .list(4, STRUCT, [0], (w) => {
      w.list(1, STRUCT, chunks, (cw, item) => {
        const c = item as (typeof chunks)[number];
        cw.i64(2, c.offset).struct(3, (m) => {
          m.i32(1, 6)
            .list(2, I32, [0, 3], (lw, e) => lw.listItemI32(e as number))
            .list(3, BINARY, [c.name], (lw, e) => lw.listItemBinary(e as string))
            .i32(4, 0)
            .i64(5, rows.length)
            .i64(6, c.size)
            .i64(7, c.size)
            .i64(9, c.offset);
        });
      })
        .i64(2, offset - 4)
        .i64(3, rows.length);
    })
    .end();
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, meta.length, true);
  tail.set(new TextEncoder().encode('PAR1'), 4);
  parts.push(meta, tail);
  writeFileSync(file, Buffer.concat(parts));
}
