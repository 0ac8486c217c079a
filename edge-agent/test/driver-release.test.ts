import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FieldDeviceError, driverFor } from '../src/index.ts';
import { type Protocol, type Relay, relay, rig } from './harness.ts';

/** A rig for `protocol` with a relay in front of its device; `test` gets the relay and the target through it. */
async function throughRelay(protocol: Protocol, test: (relayed: Relay, target: string) => Promise<void>): Promise<void> {
  const r = await rig(protocol);
  const devicePort = Number(/127\.0\.0\.1:(\d+)/.exec(r.target)![1]);
  const relayed = await relay(devicePort);
  try {
    await test(relayed, r.target.replace(`127.0.0.1:${devicePort}`, `127.0.0.1:${relayed.port}`));
  } finally {
    await relayed.close();
    await r.close();
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!condition() && performance.now() < end) await sleep(50);
  return condition();
}

/** After a close: every connection through the relay ends within `settleMs`, and none is opened for `quietMs` after. */
async function expectLetGo(relayed: Relay, settleMs: number, quietMs: number): Promise<void> {
  expect(await until(() => relayed.open() === 0, settleMs), `${relayed.open()} connection(s) still open`).toBe(true);
  const accepted = relayed.accepted();
  await sleep(quietMs);
  expect(relayed.open()).toBe(0);
  expect(relayed.accepted(), 'reconnected after close').toBe(accepted);
}

// A stop must leave nothing behind: a connection kept by a driver keeps its process alive (OPC UA keep-alives and
// reconnects run on), which `npm start` showed under load when agents stopped while reconnecting.
for (const protocol of ['modbus-tcp', 'opcua'] as const) {
  describe(`a closed ${protocol} driver lets go of the device`, () => {
    it('closed while it connects: the connect fails and no connection is left', () =>
      throughRelay(protocol, async (relayed, target) => {
        relayed.delay = 300; // a loaded device: the connect is still under way when the stop comes
        const driver = driverFor(target, { timeoutMs: 3000, retries: 0 });
        const connecting = driver.connect().then(
          () => 'connected',
          (e: unknown) => e,
        );
        expect(await until(() => relayed.accepted() > 0, 5000)).toBe(true);
        await driver.close();
        const outcome = await connecting;
        expect(outcome).toBeInstanceOf(FieldDeviceError);
        await expectLetGo(relayed, 5000, 1500);
      }), 30_000);

    it('a slow device answering around the timeout, with heartbeats running: after close no connection is left or made', () =>
      throughRelay(protocol, async (relayed, target) => {
        const driver = driverFor(target, { timeoutMs: 250, retries: 1, backoffMs: 20 });
        await driver.connect();
        // answers take 0–400 ms: some calls time out, connects and sessions are given up on and granted late
        relayed.delay = () => Math.random() * 400;
        const errors: FieldDeviceError[] = [];
        driver.onError = (e) => errors.push(e);
        driver.startHeartbeat(50);
        await sleep(3000);
        await driver.close();
        expect(errors.length, 'the device was not slow enough to make calls fail').toBeGreaterThan(0);
        await expectLetGo(relayed, 8000, 2000);
      }), 40_000);
  });
}
