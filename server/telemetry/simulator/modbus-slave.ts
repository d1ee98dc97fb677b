import { crcOk, encodeRegister, withCrc } from '../protocols/modbus.js';
import type { ModbusRegister, ModbusSettings } from '../types.js';
import { noise, seeded } from './random.js';

/**
 * A pump controller as a Modbus RTU slave: answers function 3/4 read requests for its unit id from
 * a register map, with exception 2 (illegal data address) outside it and exception 1 for other
 * functions. Requests are assembled by length (8 bytes); a frame with a bad CRC is ignored, as a
 * real slave does, and the assembler slides one byte to resynchronise.
 */

export const PUMP_REGISTERS: ModbusRegister[] = [
  { name: 'pump.pressure', unit: 'bar', function: 3, address: 0, type: 'uint16', scale: 0.01, offset: 0 },
  { name: 'pump.flow', unit: 'm3/h', function: 3, address: 1, type: 'uint16', scale: 0.1, offset: 0 },
  { name: 'motor.current', unit: 'A', function: 3, address: 2, type: 'float32', scale: 1, offset: 0 },
  { name: 'motor.temperature', unit: '°C', function: 3, address: 4, type: 'int16', scale: 0.1, offset: 0 },
  { name: 'pump.run_hours', unit: 'h', function: 4, address: 0, type: 'uint32', scale: 1, offset: 0 },
];

export function pumpModbusSettings(unitId = 1, pollIntervalMs = 1000): ModbusSettings {
  return { unitId, pollIntervalMs, timeoutMs: 300, registers: PUMP_REGISTERS };
}

export interface ModbusSlave {
  /** Bytes from the master → the responses to send back. */
  onData(chunk: Buffer): Buffer[];
  /** Current engineering values by register name. */
  readonly values: Record<string, number>;
  requests: number;
}

export function createModbusSlave(opts: { unitId?: number; seed?: number; now?: () => number; corruptEvery?: number } = {}): ModbusSlave {
  const unitId = opts.unitId ?? 1;
  const rand = seeded(opts.seed ?? 3);
  const now = opts.now ?? Date.now;
  const started = now();
  let buf = Buffer.alloc(0);
  const values: Record<string, number> = {};
  const slave: ModbusSlave = { onData, values, requests: 0 };

  function refresh(): Map<string, number> {
    const s = (now() - started) / 1000;
    values['pump.pressure'] = Math.max(0, 4.2 + 0.3 * Math.sin(s / 30) + noise(rand, 0.05));
    values['pump.flow'] = Math.max(0, 36 + 4 * Math.sin(s / 45) + noise(rand, 0.5));
    values['motor.current'] = 11.5 + 0.8 * Math.sin(s / 20) + noise(rand, 0.1);
    values['motor.temperature'] = 48 + s / 60 + noise(rand, 0.2);
    values['pump.run_hours'] = 12_345 + Math.floor(s / 3600);
    const words = new Map<string, number>();
    for (const r of PUMP_REGISTERS) {
      const raw = Math.round(((values[r.name] ?? 0) - r.offset) / r.scale);
      const encoded = encodeRegister(r.type === 'float32' ? (values[r.name] ?? 0) : raw, r.type, r.wordOrder ?? 'big');
      encoded.forEach((w, i) => words.set(`${r.function}:${r.address + i}`, w));
    }
    return words;
  }

  function answer(req: Buffer): Buffer | null {
    if (req[0] !== unitId) return null; // another slave's request
    slave.requests++;
    const fn = req[1] as number;
    if (fn !== 3 && fn !== 4) return withCrc(Buffer.from([unitId, fn | 0x80, 1]));
    const address = req.readUInt16BE(2);
    const count = req.readUInt16BE(4);
    const words = refresh();
    const out = Buffer.alloc(3 + 2 * count);
    out[0] = unitId;
    out[1] = fn;
    out[2] = 2 * count;
    for (let i = 0; i < count; i++) {
      const w = words.get(`${fn}:${address + i}`);
      if (w === undefined) return withCrc(Buffer.from([unitId, fn | 0x80, 2]));
      out.writeUInt16BE(w, 3 + 2 * i);
    }
    const frame = withCrc(out);
    if (opts.corruptEvery && slave.requests % opts.corruptEvery === 0) frame[frame.length - 1] = (frame[frame.length - 1] as number) ^ 0xff;
    return frame;
  }

  function onData(chunk: Buffer): Buffer[] {
    buf = Buffer.concat([buf, chunk]);
    const out: Buffer[] = [];
    while (buf.length >= 8) {
      const frame = buf.subarray(0, 8);
      if (!crcOk(frame)) {
        buf = buf.subarray(1);
        continue;
      }
      buf = buf.subarray(8);
      const res = answer(Buffer.from(frame));
      if (res) out.push(res);
    }
    return out;
  }

  return slave;
}
