/** A minimal BSATN writer for hand-built server messages (protocol.md §4, §6). */
export class Bsatn {
  readonly #parts: Buffer[] = [];

  u8(v: number): this { this.#parts.push(Buffer.from([v])); return this; }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.#parts.push(b); return this; }
  u64(v: number | bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.#parts.push(b); return this; }
  i64(v: number | bigint): this { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); this.#parts.push(b); return this; }
  raw(b: Uint8Array): this { this.#parts.push(Buffer.from(b)); return this; }
  bytes(b: Uint8Array): this { return this.u32(b.length).raw(b); }
  string(s: string): this { return this.bytes(Buffer.from(s, 'utf8')); }
  /** A u256/u128 given as big-endian hex (the text form), written little-endian. */
  hexLE(hex: string): this { return this.raw(Buffer.from(hex, 'hex').reverse()); }
  /** `BsatnRowList` with a `RowOffsets` size hint. */
  rowList(rows: Uint8Array[]): this {
    this.u8(1).u32(rows.length);
    let offset = 0;
    for (const row of rows) {
      this.u64(offset);
      offset += row.length;
    }
    return this.bytes(Buffer.concat(rows));
  }
  done(): Uint8Array { return new Uint8Array(Buffer.concat(this.#parts)); }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
