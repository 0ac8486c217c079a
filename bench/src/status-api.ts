import { buildPhaseModel } from '@greenwave/contracts';
import { hashPassword } from '@greenwave/controller';
import autocannon from 'autocannon';
import type WebSocket from 'ws';
import { connectAgent, laneSnapshots, measurementJson, startBenchCentre } from './centre-fixture.ts';

export interface StatusApiRun {
  /** Requests answered per second: autocannon's per-second samples. */
  requestsPerS: { p50: number; p99: number; mean: number; min: number };
  /** Latency of each request (ms). */
  latencyMs: { p50: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  /** Size of one answer (bytes). */
  bodyBytes: number;
  intersections: number;
  online: number;
  withGreens: number;
}

export interface StatusApiOptions {
  connections?: number;
  durationS?: number;
  warmupS?: number;
  /** Path asked for: the whole live list (default) or one intersection's status. */
  path?: 'list' | 'one';
  onProgress?: (phase: string) => void;
}

/**
 * A real centre with danang's 200 intersections, every one with a connected (raw WebSocket) agent that has sent its
 * status and a fresh measurement, so the live list is full (online, greens, queues, decisions made); an operator logs
 * in (POST /api/login) and autocannon, in a worker thread so the load does not share the centre's event loop, asks for
 * GET /api/intersections with the bearer token: warm-up, then the measured run.
 */
export async function statusApi(options: StatusApiOptions = {}): Promise<StatusApiRun> {
  const connections = options.connections ?? 10;
  const durationS = options.durationS ?? 5;
  const warmupS = options.warmupS ?? 1;
  const bench = await startBenchCentre('danang');
  const { centre, credentials, network } = bench;
  const clients: WebSocket[] = [];
  try {
    // live state: every agent says hello, sends its status, then a fresh measurement (the centre decides on it)
    const snapshots = laneSnapshots(bench.scenario, network, 1);
    const connected = await Promise.all(credentials.map((c) => connectAgent(centre.url, c)));
    const now = Date.now();
    connected.forEach(({ ws, lastStoredSeq }, i) => {
      clients.push(ws);
      const model = buildPhaseModel(network.intersections[i]!);
      ws.send(JSON.stringify({ type: 'status', status: { clockMs: now - 1000, greens: model.stages[0] ?? [], yellows: [], mode: 'centre', flashLatched: false, faultCode: 0, control: 'centre' } }));
      ws.send(measurementJson(lastStoredSeq + 1, now, snapshots[i]![0]!));
    });
    await centre.flushIngest();
    const deadline = performance.now() + 5000;
    while (centre.live.some((l) => l.lanes.length === 0 || !l.status) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const live = centre.liveSummary();
    const online = live.filter((l) => l.online).length;
    const withGreens = live.filter((l) => l.greens.length > 0).length;

    await centre.store.createUser('bench-operator', await hashPassword('bench-password-1234'), 'operator', Date.now());
    const login = await fetch(`${centre.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-operator', password: 'bench-password-1234' }) });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const listUrl = `${centre.url}/api/intersections`;
    const url = options.path === 'one' ? `${listUrl}/${encodeURIComponent(network.intersections[0]!.id)}` : listUrl;
    const headers = { authorization: `Bearer ${token}` };
    const listProbe = await fetch(listUrl, { headers });
    const listBody = await listProbe.text();
    if (!listProbe.ok) throw new Error(`GET /api/intersections: ${listProbe.status} ${listBody.slice(0, 200)}`);
    const listed = (JSON.parse(listBody) as { intersections: unknown[] }).intersections.length;
    const probe = await fetch(url, { headers });
    const body = await probe.text();
    if (!probe.ok) throw new Error(`GET ${url}: ${probe.status} ${body.slice(0, 200)}`);
    if (listed !== network.intersections.length) throw new Error(`GET /api/intersections listed ${listed} of ${network.intersections.length} intersections`);

    options.onProgress?.(`warm-up ${warmupS} s`);
    await autocannon({ url, headers, connections, duration: warmupS, workers: 1 });
    (globalThis as { gc?: () => void }).gc?.();
    options.onProgress?.(`${durationS} s measured`);
    const result = await autocannon({ url, headers, connections, duration: durationS, workers: 1 });
    return {
      requestsPerS: { p50: result.requests.p50, p99: result.requests.p99, mean: result.requests.mean, min: result.requests.min },
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      bodyBytes: Buffer.byteLength(body),
      intersections: listed,
      online,
      withGreens,
    };
  } finally {
    // the centre closes first, so the closed connections wait out TIME_WAIT on its port, not on ephemeral ones
    await bench.close();
    for (const ws of clients) ws.terminate();
  }
}
