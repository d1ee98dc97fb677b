import type { ModbusRegister } from '../types.js';

/**
 * Modbus RTU framing: CRC-16 (poly 0xA001, init 0xFFFF, sent low byte first), read requests for
 * function 3 (holding registers) and 4 (input registers), and response parsing. Pure functions.
 *
 * Register decoding: each register is a big-endian 16-bit word (the Modbus standard). 32-bit types
 * span two registers and use **big-endian word order** ("ABCD": the first register holds the high
 * word), which is what most meters and PLCs send; devices that swap words ("CDAB") are configured
 * with `wordOrder: 'little'`.
 */

export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = 0; i < end; i++) {
    crc ^= bytes[i] as number;
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC (low byte first). */
export function withCrc(body: Uint8Array): Buffer {
  const out = Buffer.alloc(body.length + 2);
  out.set(body);
  out.writeUInt16LE(crc16(body), body.length);
  return out;
}

export function crcOk(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const given = (frame[frame.length - 2] as number) | ((frame[frame.length - 1] as number) << 8);
  return crc16(frame, frame.length - 2) === given;
}

export const MAX_READ_REGISTERS = 125;

export interface ReadRequest {
  unitId: number;
  fn: 3 | 4;
  address: number;
  count: number;
}

export function buildReadRequest(req: ReadRequest): Buffer {
  if (!Number.isInteger(req.unitId) || req.unitId < 1 || req.unitId > 247) throw new RangeError(`unit id ${req.unitId} outside 1..247`);
  if (!Number.isInteger(req.address) || req.address < 0 || req.address > 0xffff)
    throw new RangeError(`address ${req.address} outside 0..65535`);
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_READ_REGISTERS || req.address + req.count > 0x10000)
    throw new RangeError(`count ${req.count} outside 1..125`);
  const body = Buffer.alloc(6);
  body[0] = req.unitId;
  body[1] = req.fn;
  body.writeUInt16BE(req.address, 2);
  body.writeUInt16BE(req.count, 4);
  return withCrc(body);
}

/** Bytes in a normal response to this request: unit, fn, byte count, 2 per register, CRC. */
export function expectedResponseLength(req: ReadRequest): number {
  return 5 + 2 * req.count;
}

export const EXCEPTION_RESPONSE_LENGTH = 5;

export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
};

export type ResponseResult =
  { ok: true; registers: number[] } | { ok: false; reason: 'checksum' | 'malformed' | 'exception'; detail: string };

/**
 * How many bytes the response to `req` has, judging from what arrived so far: an exception
 * response is shorter. Null until the function byte is in.
 */
export function responseLengthSoFar(req: ReadRequest, head: Uint8Array): number | null {
  if (head.length < 2) return null;
  return (head[1] as number) === (req.fn | 0x80) ? EXCEPTION_RESPONSE_LENGTH : expectedResponseLength(req);
}

export function parseReadResponse(req: ReadRequest, frame: Uint8Array): ResponseResult {
  if (frame.length < EXCEPTION_RESPONSE_LENGTH) return { ok: false, reason: 'malformed', detail: `response of ${frame.length} bytes` };
  if (!crcOk(frame)) return { ok: false, reason: 'checksum', detail: 'CRC mismatch' };
  const unit = frame[0] as number;
  const fn = frame[1] as number;
  if (unit !== req.unitId) return { ok: false, reason: 'malformed', detail: `answer from unit ${unit}, expected ${req.unitId}` };
  if (fn === (req.fn | 0x80)) {
    const code = frame[2] as number;
    return { ok: false, reason: 'exception', detail: `exception ${code} (${EXCEPTION_NAMES[code] ?? 'unknown'})` };
  }
  if (fn !== req.fn) return { ok: false, reason: 'malformed', detail: `function ${fn}, expected ${req.fn}` };
  const byteCount = frame[2] as number;
  if (byteCount !== 2 * req.count || frame.length !== 5 + byteCount) {
    return { ok: false, reason: 'malformed', detail: `byte count ${byteCount} in a ${frame.length}-byte frame, expected ${2 * req.count}` };
  }
  const registers: number[] = [];
  for (let i = 0; i < req.count; i++) registers.push(((frame[3 + 2 * i] as number) << 8) | (frame[4 + 2 * i] as number));
  return { ok: true, registers };
}

export type WordOrder = 'big' | 'little';

export function registerWidth(type: ModbusRegister['type']): 1 | 2 {
  return type === 'uint16' || type === 'int16' ? 1 : 2;
}

/** Decodes one value starting at `registers[i]`. */
export function decodeRegister(
  registers: readonly number[],
  i: number,
  type: ModbusRegister['type'],
  wordOrder: WordOrder = 'big',
): number {
  const a = registers[i] ?? 0;
  if (type === 'uint16') return a;
  if (type === 'int16') return a >= 0x8000 ? a - 0x10000 : a;
  const b = registers[i + 1] ?? 0;
  const [hi, lo] = wordOrder === 'big' ? [a, b] : [b, a];
  const buf = Buffer.alloc(4);
  buf.writeUInt16BE(hi, 0);
  buf.writeUInt16BE(lo, 2);
  if (type === 'uint32') return buf.readUInt32BE(0);
  if (type === 'int32') return buf.readInt32BE(0);
  return buf.readFloatBE(0);
}

/** The inverse of decodeRegister, for the simulator and tests. */
export function encodeRegister(value: number, type: ModbusRegister['type'], wordOrder: WordOrder = 'big'): number[] {
  const buf = Buffer.alloc(4);
  if (type === 'uint16') return [value & 0xffff];
  if (type === 'int16') return [(value < 0 ? value + 0x10000 : value) & 0xffff];
  if (type === 'uint32') buf.writeUInt32BE(value >>> 0, 0);
  else if (type === 'int32') buf.writeInt32BE(value | 0, 0);
  else buf.writeFloatBE(value, 0);
  const words = [buf.readUInt16BE(0), buf.readUInt16BE(2)];
  return wordOrder === 'big' ? words : [words[1] as number, words[0] as number];
}

export interface ReadPlan {
  request: Omit<ReadRequest, 'unitId'>;
  /** Registers covered by this request, with their offset into the response. */
  items: Array<{ register: ModbusRegister; offset: number }>;
}

/**
 * Groups a register map into as few reads as possible: same function, contiguous or with gaps of
 * at most `maxGap` registers, at most 125 registers per read.
 */
export function planReads(registers: readonly ModbusRegister[], maxGap = 8): ReadPlan[] {
  const plans: ReadPlan[] = [];
  for (const fn of [3, 4] as const) {
    const sorted = registers.filter((r) => r.function === fn).sort((x, y) => x.address - y.address);
    let cur: ReadPlan | null = null;
    for (const r of sorted) {
      const end = r.address + registerWidth(r.type);
      if (cur && r.address - (cur.request.address + cur.request.count) <= maxGap && end - cur.request.address <= MAX_READ_REGISTERS) {
        cur.request.count = Math.max(cur.request.count, end - cur.request.address);
        cur.items.push({ register: r, offset: r.address - cur.request.address });
      } else {
        cur = { request: { fn, address: r.address, count: end - r.address }, items: [{ register: r, offset: 0 }] };
        plans.push(cur);
      }
    }
  }
  return plans;
}

/**
 * The silence that separates RTU frames: 3.5 character times of 11 bits (start, 8 data, parity or
 * second stop, stop); above 19200 baud the standard fixes it at 1.75 ms.
 */
export function interFrameDelayMs(baudRate: number): number {
  if (baudRate > 19_200) return 1.75;
  return (3.5 * 11 * 1000) / baudRate;
}
