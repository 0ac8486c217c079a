import { driverFor } from '@greenwave/edge-agent';
import { CabinetPoints, Twin, freePort, junctionDetectors, quietScenario, serveModbusTcp, serveOpcua, singleJunctionNetwork } from '@greenwave/simulator';

/**
 * Request -> acknowledged round trips to one emulated cabinet on loopback: a stage request with heartbeat written
 * through the field driver, timed until the cabinet has applied it and the protocol answered (ms per request).
 */
export async function fieldRoundTrips(protocol: 'modbus' | 'opcua', count = 2000): Promise<number[]> {
  const twin = new Twin({ scenario: quietScenario(), network: singleJunctionNetwork() });
  const junction = twin.junctions[0]!;
  const points = new CabinetPoints(junction.cabinet, { vendor: 'bench', firmware: '1', intersectionId: junction.id }, junctionDetectors(junction));
  const port = await freePort();
  const server = protocol === 'modbus' ? await serveModbusTcp(points, { port }) : await serveOpcua([{ id: junction.id, points }], { port });
  const target = protocol === 'modbus' ? `modbus://127.0.0.1:${port}` : `${(server as { endpoint: string }).endpoint}#${junction.id}`;
  const driver = driverFor(target, { timeoutMs: 2000 });
  await driver.connect();
  const samples: number[] = [];
  try {
    for (let i = 0; i < count + 100; i++) {
      const started = process.hrtime.bigint();
      await driver.send({ mode: 'centre', stage: [i % 2 === 0 ? 1 : 2], heartbeat: true });
      if (i >= 100) samples.push(Number(process.hrtime.bigint() - started) / 1e6); // the first 100 warm up
    }
  } finally {
    await driver.close();
    await server.close();
  }
  return samples;
}
