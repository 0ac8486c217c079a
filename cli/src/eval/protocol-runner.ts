import type { ControllerConfig, LaneMeasurement } from '@greenwave/contracts';
import { type FieldDriver, driverFor, signalFromReading } from '@greenwave/edge-agent';
import { FieldCity, type RtJunction, type Twin, readJunction } from '@greenwave/simulator';
import { DecisionLoop } from '@greenwave/controller';

/**
 * The city loop through the field link, as deployed: every cabinet of the twin is served over Modbus TCP or OPC UA,
 * and the centre reads each cabinet's status and sends its requests through a field driver. Runs in lockstep with the
 * twin, so its results can be compared with the direct path.
 */
export class ProtocolCityRunner {
  private constructor(
    private readonly twin: Twin,
    readonly city: FieldCity,
    readonly drivers: FieldDriver[],
    readonly loop: DecisionLoop,
    private readonly intervalS: number,
  ) {}

  static async start(
    twin: Twin,
    configFor: (junction: RtJunction) => ControllerConfig,
    options: { basePort: number; protocol?: 'modbus' | 'opcua' | 'mixed'; intervalS?: number },
  ): Promise<ProtocolCityRunner> {
    const city = await FieldCity.start(twin, { protocol: options.protocol ?? 'mixed', basePort: options.basePort });
    const drivers = city.devices.map((d) => driverFor(d.address, { timeoutMs: 5000, retries: 2 }));
    try {
      await Promise.all(drivers.map((d) => d.connect()));
    } catch (error) {
      await Promise.all(drivers.map((d) => d.close().catch(() => {})));
      await city.close();
      throw error;
    }
    const loop = new DecisionLoop(twin.junctions.map((j) => ({ intersection: j.intersection, model: j.model, config: configFor(j) })));
    return new ProtocolCityRunner(twin, city, drivers, loop, options.intervalS ?? 1);
  }

  get stats() {
    return this.loop.stats;
  }

  /** After each twin step: statuses over the link, one decision round, requests over the link. */
  async tick(): Promise<void> {
    const twin = this.twin;
    if (twin.simS % this.intervalS !== 0) return;
    const timeMs = twin.simS * 1000;
    const lanes: LaneMeasurement[][] = twin.junctions.map((j) => readJunction(j, timeMs, this.intervalS));
    const readings = await Promise.all(this.drivers.map((d) => d.readStatus()));
    const signals = readings.map((r, i) => signalFromReading(twin.junctions[i]!.model, r));
    const outgoing = this.loop.decisions(timeMs, lanes, signals);
    await Promise.all(
      outgoing.map(({ index, request }) =>
        this.drivers[index]!.send(request).then(
          () => this.loop.record(index, { accepted: true, problems: [] }),
          (error: Error) => this.loop.record(index, { accepted: false, problems: [{ message: error.message }] }),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.drivers.map((d) => d.close().catch(() => {})));
    await this.city.close();
  }
}
