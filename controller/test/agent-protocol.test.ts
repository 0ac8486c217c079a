import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentMessage,
  type CentreMessage,
  GreenwaveError,
  HiResEvent,
  type LaneMeasurement,
  MAX_MESSAGE_BYTES,
  ValidationError,
  alarmCodes,
  emptyPerClass,
  parseAgentMessage,
  unitModes,
} from '@greenwave/contracts';
import { loadScenario } from '@greenwave/simulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newToken, tokenHash } from '../src/centre/auth.ts';
import { Centre } from '../src/centre/centre.ts';
import { openDatabase } from '../src/centre/storage/database.ts';
import { CentreStore } from '../src/centre/storage/store.ts';

// The agent WebSocket protocol of a real centre on loopback: authentication, bad frames, ordering, exactly-once
// storage; and the message parser under fuzzing.

const lane = (intersectionId: string, timeMs: number, approachId: string, laneIndex: number, values: Partial<LaneMeasurement> = {}): LaneMeasurement => ({
  intersectionId, approachId, laneIndex, timeMs, intervalS: 1, count: 1, countByClass: emptyPerClass(), countPcu: 0.5, occupancy: 0.2, queueLengthM: 10,
  queueVehicles: 2, queuePcu: 1, vehiclesInZone: 3, presentByClass: emptyPerClass(), densityVehPerKm: 50, densityPcuPerKm: 20, meanSpeedMps: 5, zoneLengthM: 60, ...values,
});
/** A measurement of two lanes (two samples once stored). */
const measurement = (intersectionId: string, seq: number, timeMs = Date.now()) => ({ type: 'measurement' as const, seq, timeMs, lanes: [lane(intersectionId, timeMs, 'N', 0), lane(intersectionId, timeMs, 'E', 1, { meanSpeedMps: null })] });

/** A test client of the /agent endpoint that keeps every message the centre sends. */
class AgentClient {
  readonly received: CentreMessage[] = [];
  private cursor = 0;
  closed: { code: number; reason: string } | null = null;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(String(data)) as CentreMessage));
    this.closedPromise = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: String(reason) };
        resolve(this.closed);
      });
    });
    ws.on('error', () => {});
  }

  static open(url: string): Promise<AgentClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/agent`);
      const client = new AgentClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** The next message (after the ones already taken) that matches, waiting for it. */
  async next<T extends CentreMessage['type']>(type: T, timeoutMs = 3000): Promise<Extract<CentreMessage, { type: T }>> {
    const started = Date.now();
    for (;;) {
      for (let k = this.cursor; k < this.received.length; k++) {
        const m = this.received[k]!;
        if (m.type === type) {
          this.cursor = k + 1;
          return m as Extract<CentreMessage, { type: T }>;
        }
      }
      if (this.closed && this.cursor >= this.received.length) throw new Error(`connection closed (${this.closed.code}) while waiting for ${type}; got ${JSON.stringify(this.received)}`);
      if (Date.now() - started > timeoutMs) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Everything received after the last message taken. */
  rest(): CentreMessage[] {
    return this.received.slice(this.cursor);
  }

  waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    return Promise.race([this.closedPromise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('socket did not close')), timeoutMs))]);
  }

  close(): void {
    this.ws.terminate();
  }
}

describe('agent WebSocket protocol', () => {
  const { scenario, network } = loadScenario('small');
  const intersections = network.intersections.slice(0, 3);
  const dir = mkdtempSync(join(tmpdir(), 'gw-agent-proto-'));
  let store: CentreStore;
  let centre: Centre;
  const clients: AgentClient[] = [];
  /** agentId -> token, each registered for its own intersection. */
  const agents = new Map<string, { token: string; intersectionId: string }>();
  const ids = intersections.map((x) => x.id);

  const open = async () => {
    const c = await AgentClient.open(centre.url);
    clients.push(c);
    return c;
  };
  const hello = (agentId: string, overrides: Record<string, unknown> = {}) => ({
    type: 'hello',
    protocol: 1,
    agentId,
    intersectionId: agents.get(agentId)?.intersectionId ?? ids[0],
    token: agents.get(agentId)?.token ?? newToken(),
    configVersion: 'test-1',
    ...overrides,
  });
  async function register(agentId: string, intersectionId: string): Promise<string> {
    const token = newToken();
    await store.upsertAgent(agentId, intersectionId, tokenHash(token), Date.now());
    agents.set(agentId, { token, intersectionId });
    return token;
  }
  /** A connection that said hello and was welcomed. */
  async function connected(agentId: string): Promise<AgentClient> {
    const c = await open();
    c.send(hello(agentId));
    await c.next('welcome');
    return c;
  }
  const samples = async (intersectionId: string) => (await store.measurements(intersectionId, 0, Number.MAX_SAFE_INTEGER, '1m')).reduce((s, r) => s + r.samples, 0);
  const lastSeq = async (agentId: string) => Number((await store.agent(agentId))!.last_seq);

  beforeAll(async () => {
    store = new CentreStore(await openDatabase({ sqliteFile: join(dir, 'centre.db'), url: '' }));
    centre = new Centre({ store, intersections, defaultController: (x) => x.control ?? scenario.control.default, log: () => {} });
    await centre.start();
    await register('agent-x', ids[0]!);
    await register('agent-y', ids[1]!);
    await register('agent-z', ids[2]!);
    await register('agent-storm', ids[2]!);
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await centre?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('a measurement before hello is refused as unauthorised and the socket is closed', async () => {
      const c = await open();
      c.send(measurement(ids[0]!, 1));
      expect(await c.next('error')).toMatchObject({ type: 'error', code: 'unauthorised', fatal: true });
      expect((await c.waitClosed()).code).toBe(4401);
      expect(await lastSeq('agent-x')).toBe(0);
      expect(await samples(ids[0]!)).toBe(0);
    });

    it('a wrong token, a token for another intersection, or an unknown agent is unauthorised', async () => {
      const cases = [
        hello('agent-x', { token: newToken() }),
        // agent-y's real token, but claiming agent-x's intersection
        hello('agent-y', { intersectionId: ids[0] }),
        // agent-x's token presented by agent-y
        hello('agent-y', { token: agents.get('agent-x')!.token }),
        hello('agent-nobody'),
        // registered in the store, but for an intersection this centre does not run
        hello('agent-x', { intersectionId: 'not-run-here' }),
      ];
      for (const message of cases) {
        const c = await open();
        c.send(message);
        const error = await c.next('error');
        expect(error, JSON.stringify(message)).toMatchObject({ type: 'error', code: 'unauthorised', fatal: true });
        expect((await c.waitClosed()).code).toBe(4401);
        expect(c.received.some((m) => m.type === 'welcome')).toBe(false);
      }
      expect(centre.sessions.size).toBe(0);
      expect(centre.live.every((l) => !l.online)).toBe(true);
    });

    it('bad frames before hello are fatal: malformed JSON, a bad hello, an oversized frame', async () => {
      const bad = [
        { frame: '{"type":"hello",', code: 'bad-message', mentions: 'not JSON' },
        { frame: JSON.stringify(hello('agent-x', { protocol: 2 })), code: 'bad-message', mentions: 'protocol' },
        { frame: JSON.stringify(hello('agent-x', { token: 'short' })), code: 'bad-message', mentions: 'token' },
        { frame: JSON.stringify({ ...hello('agent-x'), extra: 1 }), code: 'bad-message', mentions: 'extra' },
        { frame: 'x'.repeat(MAX_MESSAGE_BYTES + 1), code: 'too-large', mentions: String(MAX_MESSAGE_BYTES) },
      ];
      for (const { frame, code, mentions } of bad) {
        const c = await open();
        c.send(frame);
        const error = await c.next('error');
        expect(error, frame.slice(0, 80)).toMatchObject({ code, fatal: true });
        expect(error.message).toContain(mentions);
        expect((await c.waitClosed()).code).toBe(4400);
      }
    });

    it('the right token is welcomed; a second hello on the same connection is refused but not fatal', async () => {
      const c = await connected('agent-z');
      expect(c.received[0]).toMatchObject({ type: 'welcome', lastStoredSeq: 0 });
      c.send(hello('agent-z'));
      expect(await c.next('error')).toMatchObject({ code: 'bad-message', fatal: false, message: expect.stringContaining('already said hello') });
      expect(centre.live[2]!.online).toBe(true);
      // a new connection of the same agent replaces the old one
      const again = await connected('agent-z');
      expect((await c.waitClosed()).code).toBe(4409);
      expect(centre.sessions.get('agent-z')?.ws).toBeDefined();
      again.close();
      await again.waitClosed();
      await until(() => !centre.live[2]!.online);
    });
  });

  describe('bad messages after hello', () => {
    let c: AgentClient;
    const id = () => ids[1]!;

    beforeAll(async () => {
      c = await connected('agent-y');
    });

    it('malformed JSON is a non-fatal bad-message', async () => {
      c.send('{"type": "measurement", "seq": ');
      expect(await c.next('error')).toMatchObject({ code: 'bad-message', fatal: false, message: expect.stringContaining('not JSON') });
      c.send(Buffer.from([0xff, 0x00, 0x13]));
      expect(await c.next('error')).toMatchObject({ code: 'bad-message', fatal: false });
    });

    it('a schema violation names the path', async () => {
      const m = measurement(id(), 1);
      m.lanes[1]!.count = -3;
      c.send(m);
      const error = await c.next('error');
      expect(error).toMatchObject({ code: 'bad-message', fatal: false });
      expect(error.message).toContain('lanes[1].count');
      expect(error.message).toContain('-3');
      c.send({ type: 'alarm', seq: 1, alarm: { code: 'camera-down', severity: 'apocalyptic', message: 'm', timeMs: 1, active: true } });
      expect((await c.next('error')).message).toContain('alarm.severity');
      c.send({ type: 'events', seq: 1, events: [{ intersectionId: id(), timeMs: 5, code: 999, param: 1 }] });
      expect((await c.next('error')).message).toContain('events[0].code');
      c.send({ type: 'teleport', seq: 1 });
      expect((await c.next('error')).message).toContain('type');
      c.send({ ...measurement(id(), 1), seq: 0 });
      expect((await c.next('error')).message).toContain('seq');
      expect(await lastSeq('agent-y')).toBe(0);
      expect(await samples(id())).toBe(0);
    });

    it('an oversized frame (over 256 KB, under the 512 KB socket limit) is too-large, not fatal', async () => {
      const m = measurement(id(), 1) as Record<string, unknown>;
      const frame = JSON.stringify({ ...m, padding: 'p'.repeat(300 * 1024) });
      expect(Buffer.byteLength(frame)).toBeGreaterThan(MAX_MESSAGE_BYTES);
      expect(Buffer.byteLength(frame)).toBeLessThan(512 * 1024);
      c.send(frame);
      const error = await c.next('error');
      expect(error).toMatchObject({ code: 'too-large', fatal: false });
      expect(error.message).toMatch(/over the 262144-byte limit/);
    });

    it('the connection stays usable: a valid measurement is then acknowledged and stored', async () => {
      expect(c.closed).toBeNull();
      c.send(measurement(id(), 1));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      expect(await lastSeq('agent-y')).toBe(1);
      expect(await samples(id())).toBe(2);
      expect(c.rest().filter((m) => m.type === 'error')).toEqual([]);
    });

    it('a frame over the socket limit (512 KB) closes only that connection', async () => {
      const other = await connected('agent-x');
      const before = await lastSeq('agent-x');
      other.send('x'.repeat(600 * 1024));
      expect((await other.waitClosed()).code).toBe(1009);
      // the other agent is unaffected
      c.send(measurement(id(), 2));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 2 });
      expect(await lastSeq('agent-x')).toBe(before);
    });

    it('a deeply nested value is answered with a non-fatal bad-message naming the path', async () => {
      const depth = 20_000;
      c.send(`{"type":"measurement","seq":3,"timeMs":0,"lanes":[${'['.repeat(depth)}${']'.repeat(depth)}]}`);
      const error = await c.next('error');
      expect(error).toMatchObject({ code: 'bad-message', fatal: false });
      expect((error as { message: string }).message).toMatch(/lanes\[0\].*deeply nested array/);
      c.send(measurement(id(), 3));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 3 });
    });
  });

  describe('messages right behind the hello, and clocks', () => {
    it('a measurement sent right behind the hello (before the welcome) is stored, not refused', async () => {
      await register('agent-eager', ids[1]!);
      const c = await open();
      c.send(hello('agent-eager'));
      c.send(measurement(ids[1]!, 1));
      await c.next('welcome');
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      expect(await lastSeq('agent-eager')).toBe(1);
    });

    it('two hellos back to back: the second is refused, the first session stays', async () => {
      await register('agent-twice', ids[1]!);
      const c = await open();
      c.send(hello('agent-twice'));
      c.send(hello('agent-twice'));
      await c.next('welcome');
      expect(await c.next('error')).toMatchObject({ code: 'bad-message', fatal: false, message: expect.stringMatching(/already said hello/) });
      expect(centre.sessions.get('agent-twice')).toBeDefined();
      c.send(measurement(ids[1]!, 1));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
    });

    it('a future-dated measurement is stored but does not freeze the live lanes', async () => {
      await register('agent-clock', ids[2]!);
      const c = await connected('agent-clock');
      const live = centre.live[centre.byId.get(ids[2]!)!]!;
      c.send(measurement(ids[2]!, 1, Date.now() + 86_400_000));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      const now = Date.now();
      c.send(measurement(ids[2]!, 2, now));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 2 });
      expect(live.lanesTimeMs).toBe(now);
    });
  });

  describe('ordering and exactly-once storage', () => {
    it('acks in order, refuses a gap, stores a duplicate once', async () => {
      await register('agent-order', ids[0]!);
      const id = ids[0]!;
      const base = await samples(id);
      const c = await open();
      c.send(hello('agent-order'));
      expect(await c.next('welcome')).toMatchObject({ lastStoredSeq: 0 });

      c.send(measurement(id, 1));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      expect(await samples(id)).toBe(base + 2);

      // a gap: seq 3 without 2
      c.send(measurement(id, 3));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      const gap = await c.next('error');
      expect(gap).toMatchObject({ code: 'out-of-order', fatal: false });
      expect(gap.message).toContain('resend from 2');
      expect(await lastSeq('agent-order')).toBe(1);
      expect(await samples(id)).toBe(base + 2);

      // a duplicate of 1: acknowledged, not stored again
      c.send(measurement(id, 1));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 1 });
      expect(await samples(id)).toBe(base + 2);
      expect(c.closed).toBeNull();

      // resending from 2 fills the gap
      c.send(measurement(id, 2));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 2 });
      c.send(measurement(id, 3));
      expect(await c.next('ack')).toEqual({ type: 'ack', seq: 3 });
      expect(await samples(id)).toBe(base + 6);
      expect(await lastSeq('agent-order')).toBe(3);
      expect(c.rest()).toEqual([]);

      // after a reconnect the welcome says where the store is, and replays are not stored twice
      c.close();
      await c.waitClosed();
      const again = await open();
      again.send(hello('agent-order'));
      expect(await again.next('welcome')).toMatchObject({ lastStoredSeq: 3 });
      again.send(measurement(id, 2));
      again.send(measurement(id, 3));
      again.send(measurement(id, 4));
      await until(() => again.received.some((m) => m.type === 'ack' && m.seq === 4));
      await centre.flushIngest();
      expect(await samples(id)).toBe(base + 8);
      expect(again.received.filter((m) => m.type === 'error')).toEqual([]);
    });

    it('events and alarms follow the same sequence', async () => {
      await register('agent-seq', ids[1]!);
      const c = await open();
      c.send(hello('agent-seq'));
      await c.next('welcome');
      const events = await store.eventCount(ids[1]!);
      c.send({ type: 'events', seq: 1, events: [{ intersectionId: ids[1]!, timeMs: Date.now(), code: HiResEvent.PHASE_BEGIN_GREEN, param: 2 }] });
      c.send({ type: 'alarm', seq: 2, alarm: { code: 'camera-down', severity: 'warning', message: 'no frames', timeMs: Date.now(), active: true } });
      c.send({ type: 'events', seq: 2, events: [{ intersectionId: ids[1]!, timeMs: Date.now(), code: HiResEvent.PHASE_BEGIN_YELLOW, param: 2 }] });
      await until(() => c.received.some((m) => m.type === 'ack' && m.seq === 2));
      await centre.flushIngest();
      expect(await store.eventCount(ids[1]!)).toBe(events + 1);
      expect((await store.alarms({ intersectionId: ids[1]! })).filter((a) => a.code === 'camera-down')).toHaveLength(1);
      expect(await lastSeq('agent-seq')).toBe(2);
    });
  });

  describe('parseAgentMessage under fuzzing', () => {
    const source = 'fuzz';
    const seqArb = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
    const idArb = fc.string({ minLength: 1, maxLength: 100 });
    const count = fc.nat({ max: 1000 });
    const real = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
    const perClass = fc.record({ motorbike: count, car: count, bus: count, truck: count });
    const laneArb: fc.Arbitrary<LaneMeasurement> = fc.record({
      intersectionId: idArb,
      approachId: idArb,
      laneIndex: fc.integer({ min: 0, max: 7 }),
      timeMs: time,
      intervalS: fc.double({ min: 0.001, max: 900, noNaN: true }),
      count,
      countByClass: perClass,
      countPcu: real,
      occupancy: fc.double({ min: 0, max: 1, noNaN: true }),
      queueLengthM: real,
      queueVehicles: count,
      queuePcu: real,
      vehiclesInZone: count,
      presentByClass: perClass,
      densityVehPerKm: real,
      densityPcuPerKm: real,
      meanSpeedMps: fc.option(real, { nil: null }),
      zoneLengthM: fc.double({ min: 0.1, max: 1000, noNaN: true }),
    });
    const phase = fc.integer({ min: 1, max: 16 });
    const validMessage: fc.Arbitrary<AgentMessage> = fc.oneof(
      fc.record({ type: fc.constant('hello' as const), protocol: fc.constant(1 as const), agentId: idArb, intersectionId: idArb, token: fc.string({ minLength: 16, maxLength: 200 }), configVersion: idArb }),
      fc.record({ type: fc.constant('measurement' as const), seq: seqArb, timeMs: time, lanes: fc.array(laneArb, { maxLength: 4 }) }),
      fc.record({
        type: fc.constant('events' as const),
        seq: seqArb,
        events: fc.array(fc.record({ intersectionId: idArb, timeMs: time, code: fc.constantFrom(...Object.values(HiResEvent)), param: fc.integer({ min: 0, max: 65535 }) }), { minLength: 1, maxLength: 5 }),
      }),
      fc.record({
        type: fc.constant('alarm' as const),
        seq: seqArb,
        alarm: fc.record({ code: fc.constantFrom(...alarmCodes), severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const), message: fc.string({ maxLength: 500 }), timeMs: time, active: fc.boolean() }),
      }),
      fc.record({
        type: fc.constant('status' as const),
        status: fc.record({
          clockMs: time,
          greens: fc.array(phase, { maxLength: 16 }),
          yellows: fc.array(phase, { maxLength: 16 }),
          mode: fc.constantFrom(...unitModes),
          flashLatched: fc.boolean(),
          faultCode: fc.integer({ min: 0, max: 65535 }),
          control: fc.constantFrom('centre' as const, 'local' as const),
        }),
      }),
      fc.record({ type: fc.constant('command-ack' as const), seq: seqArb, accepted: fc.boolean(), problem: fc.string({ maxLength: 1000 }) }, { requiredKeys: ['type', 'seq', 'accepted'] }),
    );

    /** Parses; an accepted message must round-trip, a refused one must be refused with a GreenwaveError. */
    function check(data: string | Buffer): 'accepted' | 'refused' {
      let parsed: AgentMessage;
      try {
        parsed = parseAgentMessage(data, source);
      } catch (error) {
        expect(error).toBeInstanceOf(GreenwaveError);
        expect((error as GreenwaveError).code).toBe('INVALID_MESSAGE');
        expect((error as Error).message).toContain(source);
        // a validation error lists what is wrong and where; only the size check refuses without issues
        if (error instanceof ValidationError) {
          expect(error.issues.length).toBeGreaterThan(0);
          for (const issue of error.issues) expect(issue.source).toBe(source);
        } else expect((error as Error).message).toMatch(/byte limit/);
        return 'refused';
      }
      const text = JSON.stringify(parsed);
      expect(JSON.parse(text)).toStrictEqual(parsed);
      expect(parseAgentMessage(text, source)).toStrictEqual(parsed);
      expect(parseAgentMessage(Buffer.from(text), source)).toStrictEqual(parsed);
      return 'accepted';
    }

    /** Every path into a JSON-like value (objects and arrays), the root included. */
    function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
      const out: (string | number)[][] = [prefix];
      if (Array.isArray(value)) value.forEach((v, k) => out.push(...paths(v, [...prefix, k])));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
      return out;
    }
    function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
      if (path.length === 0) return by;
      const [head, ...tail] = path;
      const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
      copy[head!] = replaced(copy[head!], tail, by);
      return copy;
    }

    it('valid messages are accepted and round-trip', () => {
      fc.assert(
        fc.property(validMessage, (m) => {
          const text = JSON.stringify(m);
          expect(check(text)).toBe('accepted');
          expect(parseAgentMessage(text, source)).toStrictEqual(JSON.parse(text));
        }),
        { numRuns: 300 },
      );
    });

    it('arbitrary strings and bytes are refused with a GreenwaveError, never anything else', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (s) => {
          check(s);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          check(Buffer.from(bytes));
        }),
        { numRuns: 300 },
      );
    });

    it('arbitrary JSON values are refused or accepted cleanly', () => {
      fc.assert(
        fc.property(fc.json({ maxDepth: 4 }), (text) => {
          check(text);
        }),
        { numRuns: 300 },
      );
      // JSON objects that look like messages: a real type with random fields
      const looksLike = fc.record({ type: fc.constantFrom('hello', 'measurement', 'events', 'alarm', 'status', 'command-ack'), seq: fc.oneof(seqArb, fc.jsonValue()) }).chain((head) =>
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((rest) => ({ ...rest, ...head })),
      );
      fc.assert(
        fc.property(looksLike, (m) => {
          expect(check(JSON.stringify(m))).toBe('refused');
        }),
        { numRuns: 300 },
      );
    });

    it('valid messages with one field replaced by anything are refused or accepted cleanly', () => {
      const mutated = validMessage.chain((m) => {
        const all = paths(m);
        return fc.tuple(fc.constant(m), fc.constantFrom(...all), fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(undefined), fc.constant(-1), fc.constant(1e308), fc.constant('')));
      });
      let refused = 0;
      fc.assert(
        fc.property(mutated, ([m, path, by]) => {
          const text = JSON.stringify(replaced(m, path, by));
          if (text === undefined) return;
          if (check(text) === 'refused') refused++;
        }),
        { numRuns: 300 },
      );
      // most mutations break the message; they are refused, not thrown as something else
      expect(refused).toBeGreaterThan(100);
    });

    it('edge cases: oversized, __proto__ keys, huge numbers, NaN-like text', () => {
      const big = JSON.stringify({ type: 'status', pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
      expect(() => parseAgentMessage(big, source)).toThrow(/over the 262144-byte limit/);
      expect(check(big)).toBe('refused');
      // multi-byte characters count in bytes, not characters
      expect(() => parseAgentMessage(`"${'é'.repeat(MAX_MESSAGE_BYTES / 2)}"`, source)).toThrow(/byte limit/);
      const m = measurement('x1', 1, 1000);
      expect(check(JSON.stringify(m).replace('{"type"', '{"__proto__":{"polluted":true},"type"'))).toBe('refused');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(check(JSON.stringify({ ...m, seq: Number.MAX_SAFE_INTEGER + 2 }))).toBe('refused');
      expect(check(JSON.stringify(m).replace('"seq":1', '"seq":1e400'))).toBe('refused');
      expect(check(JSON.stringify(m).replace('"seq":1', '"seq":NaN'))).toBe('refused');
      expect(check(JSON.stringify(m).replace('"seq":1', '"seq":1.5'))).toBe('refused');
      expect(check(JSON.stringify({ ...m, lanes: Array.from({ length: 65 }, () => m.lanes[0]) }))).toBe('refused');
      expect(check('')).toBe('refused');
      expect(check('null')).toBe('refused');
      expect(check(Buffer.alloc(0))).toBe('refused');
      expect(check(JSON.stringify(m))).toBe('accepted');
    });

    it('runs the fuzzing quickly', () => {
      const started = performance.now();
      fc.assert(fc.property(fc.json({ maxDepth: 3 }), (text) => void check(text)), { numRuns: 300 });
      expect(performance.now() - started).toBeLessThan(5000);
    });
  });

  it('after a storm of garbage frames the centre still serves /health and other agents', async () => {
    const storm = await connected('agent-storm');
    let sent = 0;
    // text frames of random (valid UTF-8) garbage, binary frames of random bytes; the centre gives up on the
    // connection after 50 bad messages, and invalid UTF-8 in a text frame is a protocol error that closes it
    for (let k = 0; k < 120 && storm.ws.readyState === WebSocket.OPEN; k++) {
      const bytes = randomBytes(1 + Math.floor(Math.random() * 2000));
      if (k % 2 === 0) storm.ws.send(bytes, { binary: true });
      else storm.ws.send(bytes.toString('base64') + '\u00e9\u{1F6A6}');
      sent++;
    }
    const closed = await storm.waitClosed(5000);
    expect([4400, 1007]).toContain(closed.code);
    const errors = storm.received.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(10);
    expect(errors.every((e) => e.type === 'error' && (e.code === 'bad-message' || e.code === 'too-large') && !e.fatal)).toBe(true);
    expect(sent).toBeGreaterThan(50);

    // a second storm with broken UTF-8 in text frames
    const storm2 = await connected('agent-storm');
    for (let k = 0; k < 20 && storm2.ws.readyState === WebSocket.OPEN; k++) storm2.ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe]), { binary: false });
    expect((await storm2.waitClosed(5000)).code).toBe(1007);

    const health = await fetch(`${centre.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });

    // another agent connects and is acknowledged
    const other = await open();
    other.send(hello('agent-x'));
    const welcome = await other.next('welcome');
    const seq = welcome.lastStoredSeq + 1;
    other.send(measurement(ids[0]!, seq));
    expect(await other.next('ack')).toEqual({ type: 'ack', seq });
    // and the stormed agent may come back and be acknowledged too
    const back = await connected('agent-storm');
    back.send(measurement(ids[2]!, 1));
    expect(await back.next('ack')).toEqual({ type: 'ack', seq: 1 });
    expect(await lastSeq('agent-storm')).toBe(1);
  });
});

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
