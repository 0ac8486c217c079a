import { createServer } from 'node:net';
import { FaultCode, POINTS, POINT_MAP_VERSION, phasesToBitmap } from '@greenwave/contracts';
import { freePort } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldDeviceError, driverFor } from '../src/index.ts';
import { type Protocol, type Rig, rig } from './harness.ts';

/** What each protocol saw, to check they all mean the same. */
const seen = new Map<Protocol, Record<string, unknown>>();

// One suite, every protocol (Hono's shared router suite in spirit): the same reads and writes must mean the same.
for (const protocol of ['modbus-tcp', 'modbus-rtu', 'opcua'] as const) {
  describe(`field driver conformance: ${protocol}`, () => {
    let r: Rig;
    beforeAll(async () => {
      r = await rig(protocol);
    }, 60_000);
    afterAll(async () => {
      await r?.close();
    });

    it('reads identity and every point of the map, equal to the cabinet’s own values', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      for (let i = 0; i < 45; i++) cabinet.tick(); // past start-up: greens showing
      const values = await r.driver.readPoints(POINTS.map((p) => p.id));
      expect(values.size).toBe(POINTS.length);
      for (const def of POINTS) expect(values.get(def.id), def.id).toEqual(r.points.value(def));
      expect(values.get('identity.mapVersion')).toBe(POINT_MAP_VERSION);
      expect(values.get('identity.intersectionId')).toBe('J');
      expect(values.get('identity.phaseCount')).toBe(2);
      expect(values.get('identity.detectorCount')).toBe(6);
      expect(Number(values.get('status.greens'))).toBeGreaterThan(0);
      expect(values.get('timing.phase01.yellow')).toBe(3);
    });

    it('writes every writable point and reads it back; the cabinet acts on it', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      const writes: [string, number][] = [
        ['control.watchdogTimeout', 30],
        ['control.unitMode', 3],
        ['control.hold', phasesToBitmap([1])],
        ['control.forceOff', 0],
        ['control.vehicleCall', phasesToBitmap([2])],
        ['control.pedCall', 0],
        ['control.omit', 0],
        ['control.stage', phasesToBitmap([1])],
        ['control.heartbeat', 42],
        ['plan.cycle', 80],
        ['plan.offset', 5],
        ...POINTS.filter((p) => p.group === 'plan' && p.phase !== undefined).map((p): [string, number] => [p.id, p.phase === 1 ? 45 : p.phase === 2 ? 35 : 0]),
        ['timing.phase01.minGreen', 12],
        ['timing.phase01.passage', 2.5],
        ['timing.phase01.maxGreen', 70],
        ['timing.phase01.yellow', 3.5],
        ['timing.phase01.redClearance', 1.5],
        ['timing.phase01.walk', 7],
        ['timing.phase01.pedClearance', 12],
      ];
      for (const [id, value] of writes) await r.driver.writePoints([[id, value]]);
      const back = await r.driver.readPoints(writes.map(([id]) => id));
      for (const [id, value] of writes) expect(back.get(id), id).toBe(value);
      expect(cabinet.unitMode).toBe('centre');
      expect(cabinet.watchdogS).toBe(30);
      expect(cabinet.model.timing[1]).toMatchObject({ minGreenS: 12, passageS: 2.5, maxGreenS: 70, yellowS: 3.5, redClearanceS: 1.5, walkS: 7, pedClearanceS: 12 });
      const status = await r.driver.readStatus();
      expect(status.heartbeatEcho).toBe(42);
      expect(status.unitMode).toBe('centre');
      // apply the downloaded plan with the one-shot plan command
      await r.driver.writePoints([['control.planCommand', 1], ['control.unitMode', 1]]);
      expect(cabinet.status().plan).toEqual({ cycleS: 80, offsetS: 5, splits: [{ phase: 1, splitS: 45 }, { phase: 2, splitS: 35 }] });
      expect((await r.driver.readStatus()).planDownloaded).toBe(true);
      expect(await r.driver.readPoint('control.planCommand')).toBe(0);
      seen.set(protocol, { ...Object.fromEntries(back), timing: cabinet.model.timing[1], plan: cabinet.status().plan });
    });

    it('refuses bad values with an error naming the device and the point; nothing changes', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      const before = { ...cabinet.model.timing[1] };
      const refused = await r.driver.writePoints([['timing.phase01.yellow', 2]]).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FieldDeviceError);
      expect((refused as FieldDeviceError).kind).toBe('exception');
      expect((refused as Error).message).toContain(r.driver.address);
      expect((refused as Error).message).toContain('timing.phase01.yellow');
      expect(cabinet.model.timing[1]).toEqual(before);
      const unknownPhase = await r.driver.writePoints([['control.hold', phasesToBitmap([9])]]).catch((e: unknown) => e);
      expect((unknownPhase as FieldDeviceError).kind).toBe('exception');
      const local = await r.driver.writePoints([['status.greens', 1]]).catch((e: unknown) => e);
      expect((local as FieldDeviceError).kind).toBe('invalid-value');
      const range = await r.driver.writePoints([['control.watchdogTimeout', 9999]]).catch((e: unknown) => e);
      expect((range as Error).message).toMatch(/control\.watchdogTimeout: 9999 is outside 1\.\.600 s/);
      expect(await r.driver.readPoint('identity.mapVersion')).toBe(POINT_MAP_VERSION);
    });

    it('a conflicting request latches flash with a fault code; only a reset clears it', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      await r.driver.send({ mode: 'centre', stage: [1, 2], heartbeat: true });
      let status = await r.driver.readStatus();
      expect(status.flashLatched).toBe(true);
      expect(status.faultCode).toBe(FaultCode.CONFLICT_REQUEST);
      expect(status.unitMode).toBe('flash');
      await r.driver.send({ mode: 'fixed', stage: [1], heartbeat: true });
      for (let i = 0; i < 100; i++) cabinet.tick();
      status = await r.driver.readStatus();
      expect(status.flashLatched).toBe(true);
      expect(status.greens).toEqual([]);
      await r.driver.send({ reset: true });
      status = await r.driver.readStatus();
      expect(status.flashLatched).toBe(false);
      expect(status.faultCode).toBe(FaultCode.NONE);
    });

    it('the watchdog switches a silent centre-mode cabinet to its stored plan', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      await r.driver.writePoints([['control.watchdogTimeout', 2]]);
      await r.driver.send({ mode: 'centre', stage: [2], heartbeat: true });
      for (let i = 0; i < 15; i++) cabinet.tick();
      expect((await r.driver.readStatus()).unitMode).toBe('centre');
      for (let i = 0; i < 10; i++) cabinet.tick();
      const status = await r.driver.readStatus();
      expect(status.unitMode).toBe('fixed');
      expect(status.planDownloaded).toBe(false);
      expect(cabinet.status().plan).toEqual(cabinet.model.fallbackPlan);
    });

    it('keeps a centre-mode cabinet out of its watchdog with background heartbeats', async () => {
      const cabinet = r.twin.junctions[0]!.cabinet;
      await r.driver.writePoints([['control.watchdogTimeout', 1]]);
      await r.driver.send({ mode: 'centre', stage: [1], heartbeat: true });
      r.driver.startHeartbeat(200);
      try {
        for (let i = 0; i < 30; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          cabinet.tick(); // the cabinet lives in real time here: 100 ms per tick
        }
        expect(cabinet.unitMode).toBe('centre');
      } finally {
        r.driver.stopHeartbeat();
      }
      for (let i = 0; i < 15; i++) cabinet.tick();
      expect(cabinet.unitMode).toBe('fixed');
      await r.driver.writePoints([['control.watchdogTimeout', 30]]);
    }, 30_000);

    it('survives a server restart: errors while it is down, carries on when it is back', async () => {
      await r.stopServer();
      const down = await r.driver.readPoint('status.greens').catch((e: unknown) => e);
      expect(down).toBeInstanceOf(FieldDeviceError);
      expect(['connection', 'timeout']).toContain((down as FieldDeviceError).kind);
      expect((down as Error).message).toContain(r.driver.address);
      await r.startServer();
      expect(await r.driver.readPoint('identity.mapVersion')).toBe(POINT_MAP_VERSION);
    }, 60_000);
  });
}

describe('OPC UA subscriptions', () => {
  it('push status changes as the cabinet changes', async () => {
    const r = await rig('opcua');
    try {
      const seenGreens: number[] = [];
      const stop = await (r.driver as import('../src/index.ts').OpcuaDriver).subscribeStatus((id, value) => {
        if (id === 'status.greens') seenGreens.push(Number(value));
      }, 50);
      const cabinet = r.twin.junctions[0]!.cabinet;
      await r.driver.writePoints([['control.watchdogTimeout', 60]]);
      await r.driver.send({ mode: 'centre', stage: [1], heartbeat: true });
      for (let i = 0; i < 40; i++) cabinet.tick();
      await new Promise((resolve) => setTimeout(resolve, 400));
      await r.driver.send({ stage: [2], heartbeat: true });
      for (let i = 0; i < 150; i++) cabinet.tick();
      await new Promise((resolve) => setTimeout(resolve, 400));
      await stop();
      expect(cabinet.status().greens, JSON.stringify(seenGreens)).toEqual([2]);
      expect(seenGreens).toContain(phasesToBitmap([1]));
      expect(seenGreens.at(-1)).toBe(phasesToBitmap([2]));
    } finally {
      await r.close();
    }
  }, 60_000);
});

describe('every protocol means the same', () => {
  it('the same writes gave the same values and the same cabinet state over Modbus TCP, Modbus RTU and OPC UA', () => {
    expect([...seen.keys()].sort()).toEqual(['modbus-rtu', 'modbus-tcp', 'opcua']);
    expect(seen.get('modbus-rtu')).toEqual(seen.get('modbus-tcp'));
    expect(seen.get('opcua')).toEqual(seen.get('modbus-tcp'));
  });
});

describe('misbehaving devices', () => {
  it('a Modbus device that never answers gives a timeout naming the address and point', async () => {
    const port = await freePort();
    const silent = createServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const driver = driverFor(`modbus://127.0.0.1:${port}`, { timeoutMs: 200, retries: 1, backoffMs: 10 });
    const error = await driver.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldDeviceError);
    expect((error as FieldDeviceError).kind).toBe('timeout');
    expect((error as Error).message).toMatch(new RegExp(`modbus://127\\.0\\.0\\.1:${port} control: no answer within 200 ms`));
    await driver.close();
    silent.close();
  });

  it('a Modbus device answering garbage gives a clear error, not a crash', async () => {
    const port = await freePort();
    const garbage = createServer((socket) => socket.on('data', (d) => socket.write(Buffer.concat([d.subarray(0, 4), Buffer.from([0, 3, 1, 0x83, 0x09])]))));
    await new Promise<void>((resolve) => garbage.listen(port, '127.0.0.1', resolve));
    const driver = driverFor(`modbus://127.0.0.1:${port}`, { timeoutMs: 300, retries: 0 });
    const error = await driver.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldDeviceError);
    expect((error as Error).message).toContain(`modbus://127.0.0.1:${port}`);
    await driver.close();
    garbage.close();
  });

  it('an OPC UA endpoint that never answers fails with a timeout', async () => {
    const port = await freePort();
    const silent = createServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const driver = driverFor(`opc.tcp://127.0.0.1:${port}/greenwave#J`, { timeoutMs: 500, retries: 0 });
    const error = await driver.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldDeviceError);
    expect(['timeout', 'connection']).toContain((error as FieldDeviceError).kind);
    await driver.close();
    silent.close();
  }, 30_000);

  it('rejects malformed targets with the accepted forms', () => {
    expect(() => driverFor('http://x')).toThrow(/unknown scheme.*modbus:\/\/host:port/);
    expect(() => driverFor('opc.tcp://h:1/p')).toThrow(/no cabinet id after #/);
    expect(() => driverFor('modbus-rtu:/dev/ttyS0?baud=1234')).toThrow(/unsupported baud rate 1234/);
  });
});
