import { ErrorCode, GreenwaveError } from '@greenwave/contracts';
import { TRACI } from './constants.ts';

/** Big-endian writer for TraCI messages. */
export class TraciWriter {
  private buffer = Buffer.alloc(256);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  ubyte(value: number): this {
    this.ensure(1);
    this.buffer.writeUInt8(value, this.length);
    this.length += 1;
    return this;
  }

  int(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.buffer.writeDoubleBE(value, this.length);
    this.length += 8;
    return this;
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.int(bytes.length);
    this.ensure(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
    return this;
  }

  stringList(values: readonly string[]): this {
    this.int(values.length);
    for (const v of values) this.string(v);
    return this;
  }

  bytes(data: Buffer): this {
    this.ensure(data.length);
    data.copy(this.buffer, this.length);
    this.length += data.length;
    return this;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** A command with its TraCI length prefix: one byte, or 0 and an int32 for long commands. */
export function frameCommand(commandId: number, payload: Buffer): Buffer {
  const short = payload.length + 2;
  if (short <= 255) return new TraciWriter().ubyte(short).ubyte(commandId).bytes(payload).toBuffer();
  return new TraciWriter().ubyte(0).int(payload.length + 6).ubyte(commandId).bytes(payload).toBuffer();
}

/** A message: int32 total length (including itself) then the commands. */
export function frameMessage(commands: readonly Buffer[]): Buffer {
  const body = Buffer.concat(commands as Buffer[]);
  const out = Buffer.alloc(body.length + 4);
  out.writeInt32BE(body.length + 4, 0);
  body.copy(out, 4);
  return out;
}

export type TraciValue = number | string | string[] | TraciValue[];

/** Big-endian reader over a received message. */
export class TraciReader {
  offset = 0;

  constructor(private readonly data: Buffer) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.data.length) {
      throw new GreenwaveError(ErrorCode.INVALID_MESSAGE, `TraCI: truncated message (need ${bytes} byte(s) at offset ${this.offset} of ${this.data.length})`);
    }
  }

  ubyte(): number {
    this.need(1);
    return this.data.readUInt8(this.offset++);
  }

  byte(): number {
    this.need(1);
    return this.data.readInt8(this.offset++);
  }

  int(): number {
    this.need(4);
    const v = this.data.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.data.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  string(): string {
    const n = this.int();
    if (n < 0) throw new GreenwaveError(ErrorCode.INVALID_MESSAGE, `TraCI: negative string length ${n}`);
    this.need(n);
    const v = this.data.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  stringList(): string[] {
    const n = this.int();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.offset += bytes;
  }

  /** A value preceded by its type byte. */
  typed(): TraciValue {
    const type = this.ubyte();
    return this.valueOf(type);
  }

  valueOf(type: number): TraciValue {
    switch (type) {
      case TRACI.TYPE_UBYTE:
        return this.ubyte();
      case TRACI.TYPE_BYTE:
        return this.byte();
      case TRACI.TYPE_INTEGER:
        return this.int();
      case TRACI.TYPE_DOUBLE:
        return this.double();
      case TRACI.TYPE_STRING:
        return this.string();
      case TRACI.TYPE_STRINGLIST:
        return this.stringList();
      case TRACI.TYPE_COMPOUND: {
        const n = this.int();
        const items: TraciValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.typed());
        return items;
      }
      default:
        throw new GreenwaveError(ErrorCode.INVALID_MESSAGE, `TraCI: unsupported value type 0x${type.toString(16)} at offset ${this.offset - 1}`);
    }
  }

  /** Reads one command's length prefix; returns the offset where the command ends. */
  commandEnd(): number {
    const start = this.offset;
    let length = this.ubyte();
    if (length === 0) length = this.int();
    return start + length;
  }
}
