/**
 * The seam between the serial side of telemetry (ports, framing, protocol parsers, Modbus polling:
 * server/telemetry/io/ and server/telemetry/protocols/) and the data side (storage, roll-ups,
 * rules, alerts, API: server/telemetry/pipeline/, rules/, routes). The serial side knows nothing of
 * the database; the data side knows nothing of bytes.
 */

export const PROTOCOLS = ['nmea', 'json', 'kv', 'csv', 'modbus'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface Metric {
  /** Lower-case dotted name, e.g. "temperature", "pump.pressure". */
  name: string;
  value: number;
  unit: string | null;
}

export type TelemetryFrame =
  | {
      kind: 'position';
      /** Epoch ms: the receiver's UTC time when the sentence has a date, else the host's receive time. */
      at: number;
      lat: number;
      lon: number;
      speedKmh: number | null;
      headingDeg: number | null;
      /** GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 estimated); RMC 'A' → 1. */
      fixQuality: number;
      satellites: number | null;
      hdop: number | null;
      altitudeM: number | null;
    }
  | {
      kind: 'metrics';
      /** Epoch ms: a timestamp in the line if it has a valid one, else the host's receive time. */
      at: number;
      metrics: Metric[];
    };

/**
 * Why input was rejected. 'nofix': a well-formed GPS sentence without a valid fix (counted so "no
 * fix" is visible; not bad input). 'overflow': bytes dropped because a device flooded beyond its cap.
 */
export const REJECTION_REASONS = [
  'checksum',
  'overlong',
  'malformed',
  'binary',
  'unsupported',
  'timeout',
  'exception',
  'nofix',
  'overflow',
] as const;

/** A rejected piece of input: counted per device and reason, a short printable sample kept for the console. */
export interface Rejection {
  reason: (typeof REJECTION_REASONS)[number];
  detail: string;
  bytes: number;
}

/**
 * A stream protocol's framer + parser. Stateful only for framing (a line may arrive in pieces);
 * feeding the same bytes in any chunking yields the same frames and rejections.
 */
export interface StreamDecoder {
  push(chunk: Uint8Array, receivedAt: number): { frames: TelemetryFrame[]; rejected: Rejection[] };
  /** Drops a partial frame (the device went away mid-line): counted by the caller as 'malformed'. */
  reset(): number;
}

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  stopBits: 1 | 1.5 | 2;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
}

/** One Modbus register to poll and how to turn it into a metric. */
export interface ModbusRegister {
  name: string;
  unit: string | null;
  function: 3 | 4; // holding or input registers
  address: number;
  type: 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32';
  /** value = raw × scale + offset */
  scale: number;
  offset: number;
  /** 32-bit types only: 'big' (default, first register = high word, "ABCD") or 'little' ("CDAB"). */
  wordOrder?: 'big' | 'little';
}

export interface ModbusSettings {
  unitId: number;
  pollIntervalMs: number;
  timeoutMs: number;
  registers: ModbusRegister[];
}

/** A device as configured (stored by the data side, applied by the serial side). */
export interface DeviceConfig {
  id: string;
  orgId: string;
  name: string;
  /** Identity that survives replugging; any of them may be null for adapters that lack one. */
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  /** Fallback (and the only way for pseudo-terminals, which SerialPort.list() never returns). */
  path: string | null;
  protocol: Protocol;
  serial: SerialSettings;
  modbus: ModbusSettings | null;
  /** What its readings belong to. */
  assetId: string | null;
  vehicleId: string | null;
  enabled: boolean;
  /** No frame for this long → "silent". */
  silenceAfterMs: number;
}

export const DEVICE_STATES = ['connected', 'silent', 'disconnected', 'error', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export interface DeviceStatus {
  deviceId: string;
  state: DeviceState;
  path: string | null;
  lastFrameAt: number | null;
  lastError: string | null;
  frames: number;
  errors: number;
  rejected: Partial<Record<Rejection['reason'], number>>;
  bytes: number;
  reconnects: number;
  /** The most recent rejection, with its printable sample, for the console (added by the serial side). */
  lastRejection?: { reason: Rejection['reason']; detail: string; at: number } | null;
}

/** What the serial side emits; the data side subscribes. */
export interface TelemetrySource {
  onFrame(listener: (deviceId: string, frame: TelemetryFrame, receivedAt: number) => void): () => void;
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  /** Applies the current device list: opens new/enabled ones, closes removed/disabled ones. */
  configure(devices: DeviceConfig[]): void;
  statuses(): DeviceStatus[];
  /** Ports visible now (SerialPort.list()), for the console's "add device" picker. */
  listPorts(): Promise<
    Array<{ path: string; vendorId: string | null; productId: string | null; serialNumber: string | null; manufacturer: string | null }>
  >;
  close(): Promise<void>;
  /**
   * Backpressure from the data side: while held, the device's bytes are not decoded (they wait in
   * the port's queue, then the OS, and a sender with flow control slows down). Optional: a source
   * that cannot hold (a test fake) leaves the data side's bounded queue to drop, and count, instead.
   */
  hold?(deviceId: string, held: boolean): void;
}
