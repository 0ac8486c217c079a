import type { RtJunction } from '../twin/runtime-network.ts';
import type { Twin } from '../twin/twin.ts';
import { CabinetPoints, type DetectorSource } from './cabinet-points.ts';
import { type ModbusServerHandle, serveModbusTcp } from './modbus-server.ts';
import { type OpcuaServerHandle, serveOpcua } from './opcua-server.ts';

export type FieldProtocol = 'modbus' | 'opcua';

export interface FieldDevice {
  id: string;
  name: string;
  protocol: FieldProtocol;
  /** What a driver connects to: modbus://host:port or opc.tcp://host:port/path#id. */
  address: string;
  points: CabinetPoints;
}

export interface FieldCityOptions {
  protocol: FieldProtocol | 'mixed';
  /** First Modbus port; cabinet i listens on basePort + i. The OPC UA server listens on basePort - 1. */
  basePort: number;
  /** Share of Modbus cabinets in a mixed city. */
  modbusShare?: number;
  testMode?: boolean;
  host?: string;
}

/** The detector channels of a junction: its inbound lanes in config order, counted at the stop line. */
export function junctionDetectors(junction: RtJunction): DetectorSource {
  const lanes = junction.approaches.flatMap((a) => a.lanes);
  return {
    channels: Math.min(lanes.length, 32),
    read: (channel) => {
      const lane = lanes[channel - 1];
      return lane ? { count: lane.totalCount, occupancy: lane.detectorOccupied ? 1 : 0, presence: lane.detectorOccupied } : { count: 0, occupancy: 0, presence: false };
    },
  };
}

/**
 * Every cabinet of a twin reachable over a field protocol, as in a city: Modbus TCP (one listener per cabinet, like one
 * IP per cabinet) or OPC UA (one server hosting many cabinets); in a mixed city a deterministic share of each.
 */
export class FieldCity {
  private constructor(
    readonly devices: FieldDevice[],
    private readonly modbus: ModbusServerHandle[],
    private readonly opcua: OpcuaServerHandle | null,
  ) {}

  static async start(twin: Twin, options: FieldCityOptions): Promise<FieldCity> {
    const host = options.host ?? '127.0.0.1';
    const share = options.protocol === 'mixed' ? (options.modbusShare ?? 0.6) : options.protocol === 'modbus' ? 1 : 0;
    const devices: FieldDevice[] = [];
    const modbus: ModbusServerHandle[] = [];
    const opcuaCabinets: { id: string; points: CabinetPoints }[] = [];
    let opcuaDevices: FieldDevice[] = [];
    try {
      for (const junction of twin.junctions) junction.cabinet.testMode = options.testMode ?? false;
      for (let i = 0; i < twin.junctions.length; i++) {
        const junction = twin.junctions[i]!;
        const points = new CabinetPoints(junction.cabinet, { vendor: 'greenwave-emu', firmware: '1.0.0', intersectionId: junction.id.slice(0, 48) }, junctionDetectors(junction));
        // spread the protocols evenly over the city: cabinet i is Modbus while its share says so
        const isModbus = Math.floor((i + 1) * share) > Math.floor(i * share);
        if (isModbus) {
          const handle = await serveModbusTcp(points, { host, port: options.basePort + i });
          modbus.push(handle);
          devices.push({ id: junction.id, name: junction.intersection.name, protocol: 'modbus', address: handle.address, points });
        } else {
          opcuaCabinets.push({ id: junction.id, points });
          const device: FieldDevice = { id: junction.id, name: junction.intersection.name, protocol: 'opcua', address: '', points };
          devices.push(device);
          opcuaDevices.push(device);
        }
      }
      let opcua: OpcuaServerHandle | null = null;
      if (opcuaCabinets.length > 0) {
        opcua = await serveOpcua(opcuaCabinets, { host, port: options.basePort - 1 });
        for (const d of opcuaDevices) d.address = `${opcua.endpoint}#${encodeURIComponent(d.id)}`;
      }
      opcuaDevices = [];
      return new FieldCity(devices, modbus, opcua);
    } catch (error) {
      await Promise.all(modbus.map((m) => m.close().catch(() => {})));
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.modbus.map((m) => m.close().catch(() => {})));
    await this.opcua?.close().catch(() => {});
  }
}

/**
 * Runs the twin in (scaled) real time behind field devices: cabinets tick every 100 ms of cabinet time, traffic moves
 * every second. `speed` 1 is wall-clock time.
 */
export class RealtimeHost {
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(
    private readonly twin: Twin,
    private readonly speed = 1,
  ) {}

  start(): void {
    const periodMs = 100 / this.speed;
    let next = performance.now();
    const loop = () => {
      const now = performance.now();
      // catch up if the event loop fell behind, but never run more than a second of cabinet time at once
      let budget = 10;
      while (next <= now && budget-- > 0) {
        for (const j of this.twin.junctions) j.cabinet.tick();
        this.ticks++;
        if (this.ticks % 10 === 0) this.twin.step();
        next += periodMs;
      }
      if (next < now) next = now;
      this.timer = setTimeout(loop, Math.max(0, next - performance.now()));
    };
    this.timer = setTimeout(loop, periodMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
