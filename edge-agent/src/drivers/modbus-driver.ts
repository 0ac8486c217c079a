import ModbusSerial from 'modbus-serial';
import { type PointDef, decodePoint, encodePoint, point } from '@greenwave/contracts';
import { FieldDeviceError } from './errors.ts';
import { type DriverOptions, FieldDriver, type PointValue } from './field-driver.ts';

export type ModbusTransport =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd'; dataBits: 7 | 8; stopBits: 1 | 2 };

// modbus-serial is CommonJS: its default import is the client class at run time, the module in the typings
type ModbusClient = InstanceType<typeof ModbusSerial.default>;
const ModbusRTU = ((ModbusSerial as unknown as { default?: unknown }).default ?? ModbusSerial) as unknown as new () => ModbusClient;

/** The most registers one Modbus read may ask for. */
const MAX_READ = 125;
const CONTROL_FIRST = point('control.hold').address;
const CONTROL_LAST = point('control.planCommand').address;

/**
 * Modbus TCP and RTU: points grouped into as few register reads as the map allows; control registers written in one
 * block (function 16) so a request reaches the cabinet whole; exception responses become errors naming the point.
 */
export class ModbusDriver extends FieldDriver {
  readonly address: string;
  private client: ModbusClient | null = null;
  /** Control registers as this driver last wrote or read them, to fill a block write. */
  private readonly shadow = new Map<number, number>();

  constructor(
    private readonly transport: ModbusTransport,
    private readonly unitId = 1,
    options: DriverOptions = {},
  ) {
    super(options);
    this.address =
      transport.kind === 'tcp' ? `modbus://${transport.host}:${transport.port}` : `modbus-rtu:${transport.path}?baud=${transport.baudRate}&unit=${unitId}`;
  }

  get connected(): boolean {
    return this.client !== null && this.client.isOpen;
  }

  protected async open(): Promise<void> {
    await this.shut();
    const epoch = this.epoch;
    const client = new ModbusRTU();
    const release = () => new Promise<void>((resolve) => (client.isOpen ? client.close(() => resolve()) : resolve()));
    try {
      if (this.transport.kind === 'tcp') await client.connectTCP(this.transport.host, { port: this.transport.port });
      else {
        const t = this.transport;
        await client.connectRTUBuffered(t.path, { baudRate: t.baudRate, parity: t.parity, dataBits: t.dataBits, stopBits: t.stopBits });
      }
    } catch (error) {
      await release().catch(() => {});
      throw new FieldDeviceError('connection', this.address, '', `cannot connect: ${(error as Error).message}`, error);
    }
    await this.ensureNotClosedSince(epoch, release);
    client.setID(this.unitId);
    client.setTimeout(this.timeoutMs);
    this.client = client;
    const regs = await this.call('control', () => client.readHoldingRegisters(CONTROL_FIRST, CONTROL_LAST - CONTROL_FIRST + 1));
    regs.data.forEach((r, i) => this.shadow.set(CONTROL_FIRST + i, r));
  }

  protected async shut(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client && client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
  }

  /** One request on the line at a time: RTU is half duplex, and it keeps TCP answers in order too. */
  private line: Promise<unknown> = Promise.resolve();

  private call<T>(pointId: string, op: () => Promise<T>): Promise<T> {
    const next = this.line.then(() => this.callNow(pointId, op));
    this.line = next.catch(() => {});
    return next;
  }

  private async callNow<T>(pointId: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      const e = error as { modbusCode?: number; message?: string; name?: string; errno?: string };
      const message = e.message ?? String(error);
      if (typeof e.modbusCode === 'number') throw new FieldDeviceError('exception', this.address, pointId, `device refused (Modbus exception ${e.modbusCode}): ${message}`, error);
      if (/timed out/i.test(message) || e.name === 'TransactionTimedOutError') throw new FieldDeviceError('timeout', this.address, pointId, `no answer within ${this.timeoutMs} ms`, error);
      if (/crc|length|unexpected|data length/i.test(message)) throw new FieldDeviceError('protocol', this.address, pointId, `malformed response: ${message}`, error);
      // let the broken link go (closed, not just forgotten: an open socket would outlive the driver)
      const dropped = this.client;
      this.client = null;
      if (dropped?.isOpen) dropped.close(() => {});
      throw new FieldDeviceError('connection', this.address, pointId, message, error);
    }
  }

  protected async readRaw(defs: readonly PointDef[]): Promise<PointValue[]> {
    const client = this.client!;
    const registers = new Map<string, number>();
    for (const area of ['input', 'holding'] as const) {
      const wanted = defs.filter((d) => d.area === area).sort((a, b) => a.address - b.address);
      // contiguous runs (the map has gaps between groups; reading a gap is an error)
      let i = 0;
      while (i < wanted.length) {
        let start = wanted[i]!.address;
        let end = start + wanted[i]!.registers;
        let j = i + 1;
        while (j < wanted.length && wanted[j]!.address <= end && wanted[j]!.address + wanted[j]!.registers - start <= MAX_READ) {
          end = Math.max(end, wanted[j]!.address + wanted[j]!.registers);
          j++;
        }
        const label = j - i === 1 ? wanted[i]!.id : `${wanted[i]!.id}..${wanted[j - 1]!.id}`;
        const result = await this.call(label, () => (area === 'input' ? client.readInputRegisters(start, end - start) : client.readHoldingRegisters(start, end - start)));
        if (result.data.length !== end - start) throw new FieldDeviceError('protocol', this.address, label, `asked for ${end - start} registers, got ${result.data.length}`);
        result.data.forEach((r, k) => registers.set(`${area}:${start + k}`, r));
        for (let k = start; k < end; k++) if (area === 'holding' && k >= CONTROL_FIRST && k <= CONTROL_LAST) this.shadow.set(k, registers.get(`${area}:${k}`)!);
        start = end;
        i = j;
      }
    }
    return defs.map((d) => decodePoint(d, Array.from({ length: d.registers }, (_, k) => registers.get(`${d.area}:${d.address + k}`)!)));
  }

  protected async writeRaw(values: readonly [PointDef, PointValue][]): Promise<void> {
    const client = this.client!;
    // control points go in one block write, after everything else (plans and timing first)
    const control = values.filter(([d]) => d.group === 'control');
    const others = values.filter(([d]) => d.group !== 'control');
    for (const [def, value] of others) {
      const regs = encodePoint(def, value);
      await this.call(def.id, () => client.writeRegisters(def.address, regs));
    }
    if (control.length === 0) return;
    const block = new Map<number, number>();
    for (const [def, value] of control) encodePoint(def, value).forEach((r, k) => block.set(def.address + k, r));
    const first = Math.min(...block.keys());
    const last = Math.max(...block.keys());
    const regs: number[] = [];
    // one-shot commands (reset, plan command) are never repeated from the shadow
    const oneShot = new Set([point('control.reset').address, point('control.planCommand').address]);
    for (let a = first; a <= last; a++) regs.push(block.get(a) ?? (oneShot.has(a) ? 0 : this.shadow.get(a) ?? 0));
    const label = control.map(([d]) => d.id).join(', ');
    await this.call(label, () => client.writeRegisters(first, regs));
    regs.forEach((r, k) => this.shadow.set(first + k, oneShot.has(first + k) ? 0 : r));
  }
}
