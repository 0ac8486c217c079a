import { FieldCity, RealtimeHost, Twin, loadScenario } from '@greenwave/simulator';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const cabinetsFlags: FlagSpec[] = [
  { name: 'scenario', kind: 'string', description: 'scenario name or YAML path', default: 'danang' },
  { name: 'protocol', kind: 'string', description: 'modbus | opcua | mixed (60% Modbus)', default: 'mixed' },
  { name: 'base-port', kind: 'number', description: 'Modbus cabinet i listens on base-port + i; OPC UA on base-port - 1', default: 15020 },
  { name: 'test-mode', kind: 'boolean', description: 'turn every cabinet’s test switch on (phase walks allowed)', default: false },
  { name: 'speed', kind: 'number', description: 'cabinet and traffic time per wall second', default: 1 },
];

/** Serves the cabinets of a scenario over Modbus TCP / OPC UA with the twin running behind them, until Ctrl-C. */
export async function cabinetsCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, cabinetsFlags, 'cabinets');
  const protocol = String(flags.protocol);
  if (!['modbus', 'opcua', 'mixed'].includes(protocol)) throw usageError('cabinets', cabinetsFlags, `--protocol must be modbus, opcua or mixed, got "${protocol}"`);
  const basePort = Number(flags['base-port']);
  if (!Number.isInteger(basePort) || basePort < 1025 || basePort > 65000) throw usageError('cabinets', cabinetsFlags, `--base-port must be 1025..65000, got ${flags['base-port']}`);
  const speed = Number(flags.speed);
  if (!(speed > 0 && speed <= 100)) throw usageError('cabinets', cabinetsFlags, `--speed must be in (0, 100], got ${flags.speed}`);
  const { scenario, network } = loadScenario(String(flags.scenario));
  const twin = new Twin({ scenario, network, signalClock: 'external' });
  // traffic first, so that detectors have vehicles from the start
  process.stdout.write(`warming up ${scenario.warmupS} s of traffic... `);
  for (let s = 0; s < scenario.warmupS; s++) {
    for (const j of twin.junctions) j.cabinet.advance(1000);
    twin.step();
  }
  console.log('done');
  const city = await FieldCity.start(twin, { protocol: protocol as 'modbus' | 'opcua' | 'mixed', basePort, testMode: flags['test-mode'] === true });
  for (const d of city.devices) console.log(`${d.id}\t${d.protocol}\t${d.address}`);
  const modbus = city.devices.filter((d) => d.protocol === 'modbus').length;
  console.log(`serving ${city.devices.length} cabinets (${modbus} Modbus TCP, ${city.devices.length - modbus} OPC UA)${flags['test-mode'] ? ' in test mode' : ''}, twin at x${speed}; Ctrl-C to stop`);
  const host = new RealtimeHost(twin, speed);
  host.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  host.stop();
  await city.close();
  console.log('stopped');
}
