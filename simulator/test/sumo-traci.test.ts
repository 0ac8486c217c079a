import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSumoNet } from '../src/sumo/net-import.ts';
import { makeGridNet, makeRandomTrips } from '../src/sumo/net-fixtures.ts';
import { parseSumoNet } from '../src/sumo/net-xml.ts';
import { SUMO_HOME, type SumoRun, freePort, startSumo, stopAllSumo } from '../src/sumo/sumo-process.ts';
import { TraciClient } from '../src/sumo/traci/client.ts';
import { TRACI } from '../src/sumo/traci/constants.ts';
import { TraciCommandError, TraciConnectionError } from '../src/sumo/traci/errors.ts';

describe('TraCI constants', () => {
  it('match the installed SUMO’s traci/constants.py', () => {
    const text = readFileSync(join(SUMO_HOME, 'tools', 'traci', 'constants.py'), 'utf8');
    for (const [name, value] of Object.entries(TRACI)) {
      const m = new RegExp(`^${name} = (0x[0-9a-fA-F]+|\\d+)`, 'm').exec(text);
      expect(m, `${name} in constants.py`).not.toBeNull();
      expect(Number(m![1]), name).toBe(value);
    }
  });
});

describe('TraCI client against real SUMO (3x3 grid)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-traci-'));
  let net: string;
  let routes: string;
  let sumo: SumoRun;
  let client: TraciClient;

  beforeAll(async () => {
    net = makeGridNet(dir, { columns: 3, rows: 3 });
    routes = makeRandomTrips(dir, net, { perHour: 3600, durationS: 300, seed: 3 });
    const port = await freePort();
    sumo = startSumo(['-n', net, '-r', routes, '--remote-port', String(port), '--step-length', '1', '--no-step-log', 'true', '--no-warnings', 'true']);
    client = await TraciClient.connect({ port, retryForMs: 20_000 });
  });
  afterAll(() => {
    client?.destroy();
    stopAllSumo();
  });

  it('handshakes and reports the version', async () => {
    const version = await client.getVersion();
    expect(version.api).toBeGreaterThanOrEqual(20);
    expect(version.version).toMatch(/SUMO 1\.\d+/);
  });

  it('lists traffic lights and their links, matching the net import link for link', async () => {
    const ids = (await client.getTrafficLightIds()).sort();
    const imported = importSumoNet(parseSumoNet(net));
    expect(ids).toEqual(imported.map((t) => t.tlsId).sort());
    const tls = imported.find((t) => t.tlsId === 'B1')!;
    const links = await client.getControlledLinks('B1');
    expect(links.length).toBe(tls.linkCount);
    const lanes = await client.getControlledLanes('B1');
    expect(lanes.length).toBe(tls.linkCount);
    // every imported inbound lane is a lane SUMO says the light controls
    for (const lane of tls.lanes) expect(lanes).toContain(lane.laneId);
    expect((await client.getRedYellowGreenState('B1')).length).toBe(tls.linkCount);
  });

  it('steps, sets a state and reads it back, reads lanes and the simulation', async () => {
    await client.setRedYellowGreenState('B1', 'r'.repeat(20));
    for (let i = 0; i < 5; i++) await client.simulationStep();
    expect(await client.getTime()).toBe(5);
    expect(await client.getRedYellowGreenState('B1')).toBe('r'.repeat(20));
    const lane = (await client.getControlledLanes('B1'))[0]!;
    expect(await client.getLaneLength(lane)).toBeGreaterThan(100);
    expect(await client.getLaneVehicleNumber(lane)).toBeGreaterThanOrEqual(0);
    expect(await client.getLaneHaltingNumber(lane)).toBeGreaterThanOrEqual(0);
    expect(await client.getMinExpectedNumber()).toBeGreaterThan(0);
    const [phase, program] = (await client.batch(() => {
      void client.getPhase('B1');
      void client.getProgram('B1');
    })) as [number, string];
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(program).toBe('online'); // SUMO runs a set state as its "online" program
  });

  it('delivers subscribed lane values with every step', async () => {
    const lane = (await client.getControlledLanes('A1'))[1]!;
    await client.subscribeLane(lane, [TRACI.LAST_STEP_VEHICLE_NUMBER, TRACI.LAST_STEP_VEHICLE_HALTING_NUMBER]);
    await client.subscribeSimulation([TRACI.VAR_TIME]);
    const results = await client.simulationStep();
    const values = results.get(TRACI.RESPONSE_SUBSCRIBE_LANE_VARIABLE)?.get(lane);
    expect(values?.get(TRACI.LAST_STEP_VEHICLE_NUMBER)).toBe(await client.getLaneVehicleNumber(lane));
    expect(results.get(TRACI.RESPONSE_SUBSCRIBE_SIM_VARIABLE)?.get('')?.get(TRACI.VAR_TIME)).toBe(6);
  });

  it('turns an error status into a typed error naming the command and object, and carries on', async () => {
    const error = await client.getRedYellowGreenState('no-such-light').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraciCommandError);
    expect((error as TraciCommandError).message).toMatch(/TraCI trafficlight\.get "no-such-light" failed: .*no-such-light/);
    expect((error as TraciCommandError).recoverable).toBe(true);
    const bad = await client.setProgram('B1', 'no-such-program').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TraciCommandError);
    expect((bad as Error).message).toMatch(/trafficlight\.set "B1"/);
    expect(await client.getTime()).toBe(6); // the connection is still in step
  });

  it('closes cleanly: SUMO exits 0', async () => {
    await client.close();
    expect(await sumo.exited).toBe(0);
    await expect(client.getTime()).rejects.toBeInstanceOf(TraciConnectionError);
  });

  it('reports a dead SUMO as a connection error, not a hang', async () => {
    const port = await freePort();
    const run = startSumo(['-n', net, '-r', routes, '--remote-port', String(port), '--no-step-log', 'true', '--no-warnings', 'true']);
    const c = await TraciClient.connect({ port, retryForMs: 20_000 });
    await c.simulationStep();
    run.kill();
    await expect(c.simulationStep()).rejects.toBeInstanceOf(TraciConnectionError);
    await expect(TraciClient.connect({ port: await freePort(), retryForMs: 300 })).rejects.toThrow(/cannot connect/);
  });
});
