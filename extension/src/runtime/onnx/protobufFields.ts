/** One field of a protobuf message: its number, wire type and where its value lies in the buffer. */
export interface ProtobufField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: number;
  /** Byte range of the value (for length-delimited fields, the payload after the length). */
  start: number;
  end: number;
  /** The decoded value of a varint field. */
  varint?: number;
}

/**
 * The fields of the protobuf message in `bytes[start, end)`, in order, without decoding their
 * values (an ONNX model's weights are read and written where they lie). Throws on a malformed
 * message, naming the byte where it broke.
 */
export function* protobufFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<ProtobufField> {
  let at = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= end) throw new Error(`Malformed protobuf: a varint runs past byte ${end}.`);
      const byte = bytes[at++];
      // Multiplication, not shifts: lengths and int64 dims may exceed 32 bits.
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  while (at < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let valueStart = at;
    let value: number | undefined;
    if (wire === 0) value = varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      valueStart = at;
      at += length;
    } else {
      throw new Error(`Malformed protobuf: wire type ${wire} of field ${field} before byte ${at}.`);
    }
    if (at > end) {
      throw new Error(
        `Malformed protobuf: field ${field} ends at byte ${at}, past its message's end ${end}.`,
      );
    }
    yield { field, wire, start: valueStart, end: at, ...(wire === 0 ? { varint: value } : {}) };
  }
}
