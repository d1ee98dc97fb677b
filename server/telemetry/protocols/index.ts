import type { Protocol, StreamDecoder } from '../types.js';
import { createCsvDecoder, type CsvOptions } from './csv.js';
import { createJsonDecoder } from './json.js';
import { createKvDecoder } from './kv.js';
import { createNmeaDecoder } from './nmea.js';

export type StreamProtocol = Exclude<Protocol, 'modbus'>;

export interface DecoderOptions {
  maxLineLength?: number;
  csv?: CsvOptions;
}

/** A fresh decoder for a line protocol (Modbus is polled, not streamed: see modbus-poller.ts). */
export function createStreamDecoder(protocol: StreamProtocol, opts: DecoderOptions = {}): StreamDecoder {
  const max = opts.maxLineLength === undefined ? {} : { maxLineLength: opts.maxLineLength };
  switch (protocol) {
    case 'nmea':
      return createNmeaDecoder(max);
    case 'json':
      return createJsonDecoder(max);
    case 'kv':
      return createKvDecoder(max);
    case 'csv':
      return createCsvDecoder({ ...opts.csv, ...max });
  }
}

export { createCsvDecoder, createJsonDecoder, createKvDecoder, createNmeaDecoder };
