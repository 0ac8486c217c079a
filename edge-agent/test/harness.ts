import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CabinetPoints, Twin, freePort, junctionDetectors, quietScenario, serveModbusRtu, serveModbusTcp, serveOpcua, singleJunctionNetwork } from '@greenwave/simulator';
import { type FieldDriver, driverFor } from '../src/index.ts';

export type Protocol = 'modbus-tcp' | 'modbus-rtu' | 'opcua';

/** A one-junction twin whose cabinet is served over a real protocol server on loopback, and a driver for it. */
export interface Rig {
  twin: Twin;
  points: CabinetPoints;
  driver: FieldDriver;
  target: string;
  /** Stops the server (the cabinet keeps running). */
  stopServer(): Promise<void>;
  /** Starts it again at the same address. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

/** A pseudo-terminal pair (socat), like an RS-485 line between the agent and the cabinet. */
export async function ptyPair(): Promise<{ server: string; client: string; process: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-pty-'));
  const server = join(dir, 'cabinet');
  const client = join(dir, 'agent');
  const child = spawn('socat', [`pty,raw,echo=0,link=${server}`, `pty,raw,echo=0,link=${client}`], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(existsSync(server) && existsSync(client)); i++) await sleep(50);
  if (!existsSync(server)) throw new Error('socat did not create the pty pair (apt-get install socat)');
  return { server, client, process: child };
}

export async function rig(protocol: Protocol, options: { timeoutMs?: number; retries?: number } = {}): Promise<Rig> {
  const twin = new Twin({ scenario: quietScenario(), network: singleJunctionNetwork({ mainLanes: 2 }) });
  const junction = twin.junctions[0]!;
  const points = new CabinetPoints(junction.cabinet, { vendor: 'greenwave-emu', firmware: '1.0.0', intersectionId: junction.id }, junctionDetectors(junction));
  let stop: () => Promise<void> = async () => {};
  let target = '';
  let start: () => Promise<void>;
  let pty: Awaited<ReturnType<typeof ptyPair>> | null = null;
  if (protocol === 'modbus-tcp') {
    const port = await freePort();
    target = `modbus://127.0.0.1:${port}`;
    start = async () => {
      const handle = await serveModbusTcp(points, { port });
      stop = () => handle.close();
    };
  } else if (protocol === 'modbus-rtu') {
    pty = await ptyPair();
    target = `modbus-rtu:${pty.client}?baud=115200`;
    start = async () => {
      const handle = await serveModbusRtu(points, { path: pty!.server, baudRate: 115200 });
      stop = () => handle.close();
    };
  } else {
    const port = await freePort();
    start = async () => {
      const handle = await serveOpcua([{ id: junction.id, points }], { port });
      target = `${handle.endpoint}#${junction.id}`;
      stop = () => handle.close();
    };
  }
  await start();
  const driver = driverFor(target, { timeoutMs: options.timeoutMs ?? (protocol === 'modbus-rtu' ? 1500 : 1000), retries: options.retries ?? 2, backoffMs: 50 });
  await driver.connect();
  return {
    twin,
    points,
    driver,
    target,
    stopServer: () => stop(),
    startServer: () => start(),
    close: async () => {
      await driver.close().catch(() => {});
      await stop().catch(() => {});
      pty?.process.kill();
    },
  };
}

/** A TCP relay in front of a device: counts the connections a driver holds and can slow the device's answers. */
export interface Relay {
  port: number;
  /** Connections open right now. */
  open(): number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Each chunk from the device is held back this long (ms, or a function drawing it), keeping its order. */
  delay: number | (() => number);
  close(): Promise<void>;
}

export async function relay(devicePort: number): Promise<Relay> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let open = 0;
  let accepted = 0;
  const state: Relay = {
    port,
    open: () => open,
    accepted: () => accepted,
    delay: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((client) => {
    accepted++;
    open++;
    const device = connect(devicePort, '127.0.0.1');
    sockets.add(client).add(device);
    let releaseAt = 0;
    client.pipe(device);
    device.on('data', (chunk) => {
      const d = typeof state.delay === 'function' ? state.delay() : state.delay;
      releaseAt = Math.max(releaseAt, performance.now() + d);
      setTimeout(() => client.writable && client.write(chunk), releaseAt - performance.now());
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      open--;
      client.destroy();
      device.destroy();
      sockets.delete(client);
      sockets.delete(device);
    };
    for (const s of [client, device]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return state;
}
