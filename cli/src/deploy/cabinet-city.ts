import { type Scenario, type Network } from '@greenwave/contracts';
import { FieldCity, type FieldProtocol, RealtimeHost, Twin } from '@greenwave/simulator';

export interface CabinetCityOptions {
  scenario: Scenario;
  network: Network;
  protocol: FieldProtocol | 'mixed';
  basePort: number;
  speed?: number;
  /** Simulated seconds of traffic before the cabinets go on line (default: the scenario's warm-up). */
  warmupS?: number;
  onProgress?: (doneS: number, totalS: number) => void;
}

/**
 * The street side of the deployed shape: the twin's traffic and cabinets in (scaled) real time, every cabinet served
 * over Modbus TCP or OPC UA on loopback like a cabinet on the city network.
 */
export class CabinetCity {
  private constructor(
    readonly twin: Twin,
    readonly field: FieldCity,
    private readonly host: RealtimeHost,
  ) {}

  static async start(options: CabinetCityOptions): Promise<CabinetCity> {
    const twin = new Twin({ scenario: options.scenario, network: options.network, signalClock: 'external' });
    const warmupS = options.warmupS ?? options.scenario.warmupS;
    for (let s = 0; s < warmupS; s++) {
      for (const j of twin.junctions) j.cabinet.advance(1000);
      twin.step();
      if (s % 30 === 29) options.onProgress?.(s + 1, warmupS);
    }
    twin.startWindow(Infinity);
    const field = await FieldCity.start(twin, { protocol: options.protocol, basePort: options.basePort });
    const host = new RealtimeHost(twin, options.speed ?? 1);
    host.start();
    return new CabinetCity(twin, field, host);
  }

  async close(): Promise<void> {
    this.host.stop();
    await this.field.close();
  }
}
