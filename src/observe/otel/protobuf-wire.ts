/**
 * A minimal protobuf wire-format reader (https://protobuf.dev/programming-guides/encoding/):
 * varints, 64-bit, length-delimited and 32-bit fields; groups (wire types 3/4, deprecated) and
 * anything truncated or overlong are malformed. Enough to decode OTLP without a dependency.
 */
export class ProtobufError extends Error {
  readonly code = "malformed_protobuf";
}

export type WireField =
  | { no: number; wire: 0; int: bigint }
  | { no: number; wire: 1 | 2 | 5; bytes: Uint8Array };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The fields of one message, in wire order (repeated fields appear once per element). */
export function* fields(buf: Uint8Array): Generator<WireField> {
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) throw new ProtobufError("truncated varint");
      const b = buf[pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    throw new ProtobufError("varint longer than 10 bytes");
  };
  const take = (n: number): Uint8Array => {
    if (n > buf.length - pos) throw new ProtobufError("field runs past the end of its message");
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0 || no > 536_870_911) throw new ProtobufError(`invalid field number ${no}`);
    if (wire === 0) yield { no, wire, int: varint() };
    else if (wire === 1) yield { no, wire, bytes: take(8) };
    else if (wire === 2) {
      const len = varint();
      if (len > BigInt(buf.length)) throw new ProtobufError("length past the end of the message");
      yield { no, wire, bytes: take(Number(len)) };
    } else if (wire === 5) yield { no, wire, bytes: take(4) };
    else throw new ProtobufError(`unsupported wire type ${wire} (field ${no})`);
  }
}

/** Length-delimited payload of a field, or malformed when the field has another wire type. */
export function bytesOf(f: WireField): Uint8Array {
  if (f.wire !== 2) throw new ProtobufError(`field ${f.no}: expected length-delimited, got wire type ${f.wire}`);
  return f.bytes;
}

export function stringOf(f: WireField): string {
  try {
    return utf8.decode(bytesOf(f));
  } catch (err) {
    if (err instanceof ProtobufError) throw err;
    throw new ProtobufError(`field ${f.no}: string is not valid UTF-8`);
  }
}

export function varintOf(f: WireField): bigint {
  if (f.wire !== 0) throw new ProtobufError(`field ${f.no}: expected varint, got wire type ${f.wire}`);
  return f.int;
}

/** fixed64 as an unsigned integer (little-endian). */
export function fixed64Of(f: WireField): bigint {
  if (f.wire !== 1) throw new ProtobufError(`field ${f.no}: expected fixed64, got wire type ${f.wire}`);
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getBigUint64(0, true);
}

export function doubleOf(f: WireField): number {
  if (f.wire !== 1) throw new ProtobufError(`field ${f.no}: expected double, got wire type ${f.wire}`);
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getFloat64(0, true);
}
