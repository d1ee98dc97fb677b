import { SerialPortMock } from 'serialport';

/**
 * Test support: `SerialPortMock` that remembers its instances, can answer writes (a Modbus slave),
 * and can be "unplugged". Creates ports with `SerialPortMock.binding.createPort` (see TOOLCHAIN.md:
 * importing @serialport/binding-mock directly would load a second instance).
 */
export class RecordingPort extends SerialPortMock {
  static instances: RecordingPort[] = [];
  static responder: ((path: string, data: Buffer) => Buffer[]) | null = null;

  constructor(...args: ConstructorParameters<typeof SerialPortMock>) {
    super(...args);
    RecordingPort.instances.push(this);
  }

  override write(data: Buffer): boolean {
    const ok = super.write(data);
    const respond = RecordingPort.responder;
    if (respond) {
      setTimeout(() => {
        if (!this.isOpen || !this.port) return;
        for (const res of respond(this.path, data)) this.port.emitData(res);
      }, 1);
    }
    return ok;
  }

  /** Bytes "arriving from the device". */
  receive(data: Buffer | string): void {
    if (!this.port) throw new Error(`${this.path} is not open`);
    this.port.emitData(data);
  }

  static latest(path: string): RecordingPort {
    const p = [...RecordingPort.instances].reverse().find((i) => i.path === path && i.isOpen);
    if (!p) throw new Error(`no open port at ${path}`);
    return p;
  }

  static reset(): void {
    SerialPortMock.binding.reset();
    RecordingPort.instances = [];
    RecordingPort.responder = null;
  }
}

/** The device disappears: it leaves the port list and its open port closes with a disconnect error. */
export function unplug(path: string): void {
  const port = RecordingPort.latest(path);
  SerialPortMock.binding.reset();
  port.close(undefined, Object.assign(new Error('device unplugged'), { disconnected: true }));
}
