import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Intersection } from '@greenwave/contracts';
import { loadScenario } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PERMISSIONS, type Permission, type Role, allowed, hashPassword, roles } from '../src/centre/auth.ts';
import { Centre } from '../src/centre/centre.ts';
import { openDatabase } from '../src/centre/storage/database.ts';
import { CentreStore } from '../src/centre/storage/store.ts';

// The centre's HTTP API in-process on loopback: who may do what (derived from PERMISSIONS and asserted on its own),
// what is audited, and that bad input gets a clear error without harming what is stored.

const PASSWORD: Record<Role, string> = { operator: 'op-password-123', technician: 'tech-password-123', police: 'police-password-123', admin: 'admin-password-123' };
const USER: Record<Role, string> = { operator: 'olga.operator', technician: 'tim.technician', police: 'pat.police', admin: 'ada.admin' };

interface Sent {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** One concrete request an endpoint accepts when the caller may make it. */
interface Endpoint {
  /** As the OpenAPI document names it: `GET /api/intersections/{id}`. */
  key: string;
  /** The permission we expect the endpoint to need (null: open). Cross-checked with the router's own document. */
  permission: Permission | null;
  request: () => { path: string; method: string; body?: unknown };
}

describe('centre HTTP API', () => {
  const { scenario, network } = loadScenario('small');
  const intersections: Intersection[] = network.intersections.slice(0, 3);
  const dir = mkdtempSync(join(tmpdir(), 'gw-api-'));
  let store: CentreStore;
  let centre: Centre;
  const tokens = {} as Record<Role, string>;
  let ids: string[];
  let userSerial = 0;

  async function call(method: string, path: string, options: { token?: string | null; body?: unknown; raw?: string | Buffer; contentType?: string; authorization?: string } = {}): Promise<Sent> {
    const headers: Record<string, string> = {};
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${centre.url}${path}`, { method, headers, body });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  /**
   * A request on a connection of its own, closed afterwards. Used for bodies over the limit: the centre answers 413
   * without reading the rest of the body and leaves the keep-alive connection unusable (see the report), which would
   * stall the next pooled fetch for the 65 s keep-alive timeout.
   */
  function callFresh(method: string, path: string, body: string, token?: string): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, centre.url);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve({ status: res.statusCode ?? 0, text, json: JSON.parse(text), headers: h });
          req.destroy();
        });
      });
      // the server may answer (and stop reading) before the whole body is sent
      req.on('error', (error) => reject(error));
      req.end(body);
    });
  }

  async function login(role: Role): Promise<string> {
    const r = await call('POST', '/api/login', { body: { username: USER[role], password: PASSWORD[role] } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ username: USER[role], role });
    return r.json.token as string;
  }

  /** An error reply: the status, the JSON shape `{ error: { code, message } }`, the code. */
  function expectError(r: Sent, status: number, code: string): string {
    expect(r.status, `${r.status} ${r.text}`).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json).toEqual({ error: { code, message: expect.any(String) } });
    expect(r.json.error.message.length).toBeGreaterThan(0);
    return r.json.error.message as string;
  }

  const holdPhase = (i: number) => ({ kind: 'hold-phase', phase: centre.models[i]!.phases[0]!, reason: 'test hold' });

  /** Every endpoint of the router with a request it accepts. */
  const endpoints = (): Endpoint[] => [
    { key: 'GET /health', permission: null, request: () => ({ method: 'GET', path: '/health' }) },
    { key: 'GET /metrics', permission: null, request: () => ({ method: 'GET', path: '/metrics' }) },
    { key: 'GET /api/openapi.json', permission: null, request: () => ({ method: 'GET', path: '/api/openapi.json' }) },
    { key: 'GET /api/intersections', permission: 'intersections:read', request: () => ({ method: 'GET', path: '/api/intersections' }) },
    { key: 'GET /api/intersections/{id}', permission: 'intersections:read', request: () => ({ method: 'GET', path: `/api/intersections/${ids[0]}` }) },
    { key: 'GET /api/intersections/{id}/measurements', permission: 'measurements:read', request: () => ({ method: 'GET', path: `/api/intersections/${ids[0]}/measurements?resolution=15m` }) },
    { key: 'GET /api/intersections/{id}/events.csv', permission: 'events:export', request: () => ({ method: 'GET', path: `/api/intersections/${ids[0]}/events.csv` }) },
    { key: 'GET /api/alarms', permission: 'alarms:read', request: () => ({ method: 'GET', path: '/api/alarms?limit=10' }) },
    {
      key: 'PUT /api/intersections/{id}/controller',
      permission: 'control:change',
      request: () => ({ method: 'PUT', path: `/api/intersections/${ids[2]}/controller`, body: { controller: { kind: 'actuated' }, reason: 'test change' } }),
    },
    { key: 'POST /api/intersections/{id}/override', permission: 'override:set', request: () => ({ method: 'POST', path: `/api/intersections/${ids[2]}/override`, body: holdPhase(2) }) },
    { key: 'GET /api/audit', permission: 'audit:read', request: () => ({ method: 'GET', path: '/api/audit?limit=5' }) },
    {
      key: 'POST /api/users',
      permission: 'users:manage',
      request: () => ({ method: 'POST', path: '/api/users', body: { username: `matrix-user-${++userSerial}`, password: 'a-long-password', role: 'police' } }),
    },
    { key: 'POST /api/intersections/{id}/agent-token', permission: 'agents:manage', request: () => ({ method: 'POST', path: `/api/intersections/${ids[2]}/agent-token`, body: { agentId: 'matrix-agent' } }) },
  ];
  // login and logout have tests of their own (logout ends the session it is called with)
  const SPECIAL: Record<string, Permission | null> = { 'POST /api/login': null, 'POST /api/logout': 'intersections:read' };

  beforeAll(async () => {
    store = new CentreStore(await openDatabase({ sqliteFile: join(dir, 'centre.db'), url: '' }));
    centre = new Centre({ store, intersections, defaultController: (x) => x.control ?? scenario.control.default, log: () => {} });
    await centre.start();
    ids = intersections.map((x) => x.id);
    const now = Date.now();
    for (const role of roles) await store.createUser(USER[role], await hashPassword(PASSWORD[role]), role, now);
    for (const role of roles) tokens[role] = await login(role);
  }, 30_000);

  afterAll(async () => {
    await centre?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the endpoint table covers every route, each with the permission the router says it needs', async () => {
    const r = await call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    const documented = new Map<string, Permission | null>();
    for (const [path, methods] of Object.entries(r.json.paths as Record<string, Record<string, { 'x-permission'?: Permission }>>)) {
      for (const [method, op] of Object.entries(methods)) documented.set(`${method.toUpperCase()} ${path}`, op['x-permission'] ?? null);
    }
    const table = new Map<string, Permission | null>([...endpoints().map((e) => [e.key, e.permission] as const), ...Object.entries(SPECIAL)]);
    expect([...documented.keys()].sort()).toEqual([...table.keys()].sort());
    for (const [key, permission] of table) expect(documented.get(key), key).toBe(permission);
    // every permission guards something (live:read guards the /live stream)
    const used = new Set([...table.values(), 'live:read']);
    for (const p of Object.keys(PERMISSIONS)) expect(used.has(p as Permission), p).toBe(true);
  });

  it('each role gets exactly what PERMISSIONS allows (2xx), 403 otherwise; no token gives 401', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const endpoint of endpoints()) {
      for (const role of [...roles, null] as const) {
        const { method, path, body } = endpoint.request();
        const r = await call(method, path, { token: role ? tokens[role] : null, body });
        const label = `${role ?? 'anonymous'} ${endpoint.key}`;
        const ok = r.status >= 200 && r.status < 300;
        outcomes.push(`${label} -> ${ok ? '2xx' : r.status}`);
        let want: string;
        if (endpoint.permission === null) want = '2xx';
        else if (role === null) want = '401';
        else want = allowed(role, endpoint.permission) ? '2xx' : '403';
        expected.push(`${label} -> ${want}`);
        if (r.status === 403) {
          expect(r.json, label).toEqual({ error: { code: 'forbidden', message: `role ${role} may not ${endpoint.permission}` } });
        }
        if (r.status === 401) expect(r.json.error.code, label).toBe('unauthorised');
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('independently of the table: police and technicians cannot override, only admins audit and manage users', async () => {
    const measurements = `/api/intersections/${ids[0]}/measurements`;
    const override = `/api/intersections/${ids[0]}/override`;
    expectError(await call('GET', measurements, { token: tokens.police }), 403, 'forbidden');
    expectError(await call('GET', `/api/intersections/${ids[0]}/events.csv`, { token: tokens.police }), 403, 'forbidden');
    expectError(await call('POST', override, { token: tokens.police, body: holdPhase(0) }), 403, 'forbidden');
    expectError(await call('POST', override, { token: tokens.technician, body: holdPhase(0) }), 403, 'forbidden');
    expectError(await call('PUT', `/api/intersections/${ids[0]}/controller`, { token: tokens.technician, body: { controller: { kind: 'queue' }, reason: 'not mine' } }), 403, 'forbidden');
    // police may see the intersections (read-only)
    expect((await call('GET', '/api/intersections', { token: tokens.police })).status).toBe(200);
    expect((await call('GET', measurements, { token: tokens.technician })).status).toBe(200);
    for (const role of ['operator', 'technician', 'police'] as const) {
      expectError(await call('GET', '/api/audit', { token: tokens[role] }), 403, 'forbidden');
      expectError(await call('POST', '/api/users', { token: tokens[role], body: { username: `sneaky-${role}`, password: 'a-long-password', role: 'admin' } }), 403, 'forbidden');
      expectError(await call('POST', `/api/intersections/${ids[0]}/agent-token`, { token: tokens[role], body: { agentId: 'sneaky' } }), 403, 'forbidden');
      expect(await store.user(`sneaky-${role}`), role).toBeUndefined();
    }
    // the refused override changed nothing
    expect(centre.live[0]!.override).toBeNull();
    expect((await call('GET', '/api/audit', { token: tokens.admin })).status).toBe(200);
    const created = await call('POST', '/api/users', { token: tokens.admin, body: { username: 'new.police', password: 'a-long-password', role: 'police' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ username: 'new.police', role: 'police' });
    expect((await store.user('new.police'))!.role).toBe('police');
    expectError(await call('POST', '/api/users', { token: tokens.admin, body: { username: 'new.police', password: 'a-long-password', role: 'admin' } }), 409, 'exists');
    expect((await store.user('new.police'))!.role).toBe('police');
    // the new user logs in with the role the admin gave, not more
    const r = await call('POST', '/api/login', { body: { username: 'new.police', password: 'a-long-password' } });
    expect(r.json.role).toBe('police');
    expectError(await call('GET', measurements, { token: r.json.token }), 403, 'forbidden');
  });

  it('the open endpoints answer without a token', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', database: 'ok', intersections: 3 });
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/openapi.json')).status).toBe(200);
  });

  it('the /live stream is for roles with live:read only', async () => {
    const open = (token: string) =>
      new Promise<{ first: any } | { status: number }>((resolve, reject) => {
        const ws = new WebSocket(`${centre.url.replace('http', 'ws')}/live?token=${encodeURIComponent(token)}`);
        ws.once('message', (data) => {
          resolve({ first: JSON.parse(String(data)) });
          ws.close();
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode ?? 0 });
          ws.terminate();
        });
        ws.once('error', (error) => reject(error));
      });
    for (const role of roles) {
      const got = await open(tokens[role]);
      if (allowed(role, 'live:read')) {
        expect(got, role).toHaveProperty('first');
        expect((got as { first: any }).first.type).toBe('live');
        expect((got as { first: any }).first.intersections).toHaveLength(3);
      } else expect(got, role).toEqual({ status: 401 });
    }
    expect(allowed('police', 'live:read')).toBe(false);
    expect(await open('not-a-token')).toEqual({ status: 401 });
  });

  it('login: wrong password or unknown user is 401; logout ends the session', async () => {
    expectError(await call('POST', '/api/login', { body: { username: USER.operator, password: 'wrong-password' } }), 401, 'unauthorised');
    expectError(await call('POST', '/api/login', { body: { username: 'nobody-here', password: 'wrong-password' } }), 401, 'unauthorised');
    for (const role of roles) {
      const token = await login(role);
      expect((await call('GET', '/api/intersections', { token })).status).toBe(200);
      const out = await call('POST', '/api/logout', { token });
      expect(out.status, role).toBe(204);
      expectError(await call('GET', '/api/intersections', { token }), 401, 'unauthorised');
    }
    expectError(await call('POST', '/api/logout'), 401, 'unauthorised');
    // the other sessions are untouched
    for (const role of roles) expect((await call('GET', '/api/intersections', { token: tokens[role] })).status).toBe(200);
  });

  it('audits an operator override and controller change with username and reason', async () => {
    const id = ids[1]!;
    const change = await call('PUT', `/api/intersections/${id}/controller`, { token: tokens.operator, body: { controller: { kind: 'queue' }, reason: 'queues spill back at rush hour' } });
    expect(change.status, change.text).toBe(200);
    expect(change.json).toEqual({ intersectionId: id, controller: 'queue' });
    const phase = centre.models[1]!.phases[0]!;
    const override = await call('POST', `/api/intersections/${id}/override`, { token: tokens.operator, body: { kind: 'hold-phase', phase, reason: 'crash on the north approach' } });
    expect(override.status, override.text).toBe(200);
    expect(override.json).toMatchObject({ intersectionId: id, override: { kind: 'hold-phase', phase }, online: false });
    const audit = await call('GET', '/api/audit?limit=5000', { token: tokens.admin });
    expect(audit.status).toBe(200);
    const entries = audit.json.entries as { username: string; role: string; action: string; target: string; reason: string; detail: any; time: string }[];
    const controllerEntry = entries.find((e) => e.action === 'controller' && e.reason === 'queues spill back at rush hour');
    expect(controllerEntry).toMatchObject({ username: USER.operator, role: 'operator', target: id, detail: { to: { kind: 'queue' } } });
    expect(Number.isNaN(Date.parse(controllerEntry!.time))).toBe(false);
    const overrideEntry = entries.find((e) => e.action === 'override:hold-phase' && e.reason === 'crash on the north approach');
    expect(overrideEntry).toMatchObject({ username: USER.operator, role: 'operator', target: id, detail: { kind: 'hold-phase', phase } });
    // newest first: the override came after the controller change
    expect(entries.indexOf(overrideEntry!)).toBeLessThan(entries.indexOf(controllerEntry!));
    // both are live and stored
    const one = await call('GET', `/api/intersections/${id}`, { token: tokens.police });
    expect(one.json).toMatchObject({ id, controller: 'queue', override: { kind: 'hold-phase', phase } });
    expect((await store.overrides()).find((o) => o.intersection_id === id)).toMatchObject({ kind: 'hold-phase', username: USER.operator });
    // release hands back, and is audited too
    const release = await call('POST', `/api/intersections/${id}/override`, { token: tokens.operator, body: { kind: 'release', reason: 'crash cleared' } });
    expect(release.json).toMatchObject({ intersectionId: id, override: null });
    expect((await store.overrides()).find((o) => o.intersection_id === id)).toBeUndefined();
    const after = await call('GET', '/api/audit?limit=1', { token: tokens.admin });
    expect(after.json.entries).toEqual([expect.objectContaining({ action: 'override:release', username: USER.operator, reason: 'crash cleared' })]);
  });

  describe('bad input gets a clear error and harms nothing', () => {
    let auditBefore = 0;
    let usersBefore = 0;
    const target = () => ids[0]!;

    beforeAll(async () => {
      const set = await call('PUT', `/api/intersections/${target()}/controller`, { token: tokens.admin, body: { controller: { kind: 'maxpressure' }, reason: 'before the bad input' } });
      expect(set.status).toBe(200);
      auditBefore = (await store.auditLog(5000)).length;
      usersBefore = await store.userCount();
    });

    it('malformed JSON is 400 bad-json', async () => {
      const msg = expectError(await call('POST', '/api/login', { raw: '{"username": "ada.admin", "password": ' }), 400, 'bad-json');
      expect(msg).toMatch(/not JSON/);
      expectError(await call('PUT', `/api/intersections/${target()}/controller`, { token: tokens.admin, raw: "{controller: 'fixed'}" }), 400, 'bad-json');
      expectError(await call('POST', `/api/intersections/${target()}/override`, { token: tokens.admin, raw: '' }), 400, 'bad-json');
    });

    it('a body that is not JSON by content type is 415', async () => {
      const body = JSON.stringify({ username: USER.admin, password: PASSWORD.admin });
      expectError(await call('POST', '/api/login', { raw: body, contentType: 'text/plain' }), 415, 'unsupported-media-type');
      expectError(await call('POST', '/api/login', { raw: body, contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
      expectError(await call('POST', '/api/login', { raw: body, contentType: 'application/jsonp' }), 415, 'unsupported-media-type');
      // no body at all: no content type either
      expectError(await call('POST', `/api/intersections/${target()}/override`, { token: tokens.admin }), 415, 'unsupported-media-type');
      // a charset parameter is fine
      const ok = await call('POST', '/api/login', { raw: body, contentType: 'application/json; charset=utf-8' });
      expect(ok.status).toBe(200);
    });

    it('a body over 64 KB is 413', async () => {
      const big = JSON.stringify({ controller: { kind: 'fixed' }, reason: 'x'.repeat(70 * 1024) });
      const msg = expectError(await callFresh('PUT', `/api/intersections/${target()}/controller`, big, tokens.admin), 413, 'too-large');
      expect(msg).toMatch(/65536/);
      const huge = JSON.stringify({ username: 'a', password: 'p'.repeat(1024 * 1024) });
      expectError(await callFresh('POST', '/api/login', huge), 413, 'too-large');
      // on a shared keep-alive connection (fetch's pool) the next requests are still answered
      const again = await call('PUT', `/api/intersections/${target()}/controller`, { token: tokens.admin, raw: huge });
      expect(again.status).toBe(413);
      for (let i = 0; i < 3; i++) expect((await call('GET', '/health', {})).status).toBe(200);
      // just under the limit is read (and then refused by the schema, not the size)
      const under = JSON.stringify({ controller: { kind: 'fixed' }, reason: 'x'.repeat(60 * 1024) });
      expectError(await call('PUT', `/api/intersections/${target()}/controller`, { token: tokens.admin, raw: under }), 422, 'invalid-body');
    });

    it('a body against the schema is 422 naming the field', async () => {
      const put = (body: unknown) => call('PUT', `/api/intersections/${target()}/controller`, { token: tokens.admin, body });
      expect(expectError(await put({ controller: { kind: 'warp-drive' }, reason: 'test change' }), 422, 'invalid-body')).toContain('controller.kind');
      expect(expectError(await put({ controller: { kind: 'actuated' }, reason: 'x' }), 422, 'invalid-body')).toContain('reason');
      expect(expectError(await put({ controller: { kind: 'actuated' } }), 422, 'invalid-body')).toContain('reason');
      expect(expectError(await put({ controller: { kind: 'actuated', detectorLengthM: 5000 }, reason: 'test change' }), 422, 'invalid-body')).toContain('controller.detectorLengthM');
      expect(expectError(await put({ controller: { kind: 'actuated' }, reason: 'test change', sneaky: true }), 422, 'invalid-body')).toContain('sneaky');
      expect(expectError(await put([1, 2, 3]), 422, 'invalid-body')).toContain('<root>');
      const override = (body: unknown) => call('POST', `/api/intersections/${target()}/override`, { token: tokens.admin, body });
      expect(expectError(await override({ kind: 'hold-phase', phase: 99, reason: 'test hold' }), 422, 'invalid-body')).toContain('phase');
      expect(expectError(await override({ kind: 'hold-phase', phase: '2', reason: 'test hold' }), 422, 'invalid-body')).toContain('phase');
      expect(expectError(await override({ kind: 'dance', reason: 'test hold' }), 422, 'invalid-body')).toContain('kind');
      const user = (body: unknown) => call('POST', '/api/users', { token: tokens.admin, body });
      expect(expectError(await user({ username: 'Bad Name!', password: 'a-long-password', role: 'admin' }), 422, 'invalid-body')).toContain('username');
      expect(expectError(await user({ username: 'short.pw', password: 'short', role: 'admin' }), 422, 'invalid-body')).toContain('password');
      expect(expectError(await user({ username: 'god.mode', password: 'a-long-password', role: 'root' }), 422, 'invalid-body')).toContain('role');
      expect(expectError(await call('POST', '/api/login', { body: { username: USER.admin } }), 422, 'invalid-body')).toContain('password');
      expect(expectError(await call('POST', `/api/intersections/${target()}/agent-token`, { token: tokens.admin, body: { agentId: '' } }), 422, 'invalid-body')).toContain('agentId');
    });

    it('an unknown intersection, route or method is 404 / 405', async () => {
      expect(expectError(await call('GET', '/api/intersections/no-such-junction', { token: tokens.admin }), 404, 'not-found')).toContain('no-such-junction');
      for (const weird of ['__proto__', 'constructor', 'toString', '%20', '..']) {
        expectError(await call('GET', `/api/intersections/${weird}`, { token: tokens.admin }), 404, 'not-found');
      }
      // a malformed percent-encoding matches no route
      expectError(await call('GET', '/api/intersections/%E0%A4%A', { token: tokens.admin }), 404, 'not-found');
      expectError(await call('GET', '/api/intersections/nope/measurements', { token: tokens.admin }), 404, 'not-found');
      expectError(await call('PUT', '/api/intersections/nope/controller', { token: tokens.admin, body: { controller: { kind: 'fixed' }, reason: 'test change' } }), 404, 'not-found');
      expectError(await call('POST', '/api/intersections/nope/override', { token: tokens.admin, body: { kind: 'flash', reason: 'test flash' } }), 404, 'not-found');
      expectError(await call('GET', '/api/alarms?intersection=nope', { token: tokens.admin }), 404, 'not-found');
      expect(expectError(await call('GET', '/api/nothing-here', { token: tokens.admin }), 404, 'not-found')).toContain('/api/nothing-here');
      expectError(await call('GET', '/', {}), 404, 'not-found');
      expect(expectError(await call('DELETE', '/api/intersections', { token: tokens.admin }), 405, 'method-not-allowed')).toContain('DELETE');
      expectError(await call('GET', '/api/login'), 405, 'method-not-allowed');
      expectError(await call('POST', `/api/intersections/${target()}`, { token: tokens.admin, body: {} }), 405, 'method-not-allowed');
      expectError(await call('PATCH', `/api/intersections/${target()}/controller`, { token: tokens.admin, body: {} }), 405, 'method-not-allowed');
    });

    it('a bad query is 400 bad-query', async () => {
      const m = `/api/intersections/${target()}/measurements`;
      const q = (path: string) => call('GET', path, { token: tokens.admin });
      expect(expectError(await q(`${m}?from=2000&to=1000`), 400, 'bad-query')).toMatch(/from .* must be before to/);
      expectError(await q(`${m}?from=1000&to=1000`), 400, 'bad-query');
      expect(expectError(await q(`${m}?resolution=5m`), 400, 'bad-query')).toContain('resolution');
      expect(expectError(await q(`${m}?from=yesterday`), 400, 'bad-query')).toContain('from');
      expectError(await q(`${m}?to=2024-13-45T99:00:00Z`), 400, 'bad-query');
      expect(expectError(await q(`${m}?from=0&to=${30 * 86_400_000}`), 400, 'bad-query')).toMatch(/day limit/);
      expectError(await q(`/api/intersections/${target()}/events.csv?from=5&to=1`), 400, 'bad-query');
      for (const limit of ['0', '-1', '1.5', 'lots', '5001']) {
        expect(expectError(await q(`/api/alarms?limit=${limit}`), 400, 'bad-query'), limit).toContain('limit');
        expectError(await q(`/api/audit?limit=${limit}`), 400, 'bad-query');
      }
      // the same queries done right work, ISO times too
      expect((await q(`${m}?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&resolution=1m`)).status).toBe(200);
      const csv = await q(`/api/intersections/${target()}/events.csv?from=0&to=86400000`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.text.split('\n')[0]).toBe('SignalId,Timestamp,EventCode,EventParam');
    });

    it('a bad Authorization header is 401', async () => {
      const path = '/api/intersections';
      for (const authorization of ['Basic YWRhOnB3', 'Bearer', 'Bearer ', `Bearer ${tokens.admin} extra`, 'bearer-less', `Token ${tokens.admin}`]) {
        expectError(await call('GET', path, { authorization }), 401, 'unauthorised');
      }
      expect(expectError(await call('GET', path, { authorization: 'Bearer not-a-real-token' }), 401, 'unauthorised')).toMatch(/unknown or expired/);
      // a token with the right shape but a changed character is not a session
      const forged = `${tokens.admin.slice(0, -1)}${tokens.admin.endsWith('A') ? 'B' : 'A'}`;
      expectError(await call('GET', path, { token: forged }), 401, 'unauthorised');
    });

    it('an override the safety supervisor refuses is 422 and is not stored or audited', async () => {
      const model = centre.models[0]!;
      const missing = Array.from({ length: 16 }, (_, k) => k + 1).find((p) => !model.phases.includes(p))!;
      expect(missing).toBeDefined();
      const r = await call('POST', `/api/intersections/${target()}/override`, { token: tokens.operator, body: { kind: 'hold-phase', phase: missing, reason: 'hold a ghost phase' } });
      expect(expectError(r, 422, 'refused')).toMatch(/safety supervisor/);
      expect(centre.live[0]!.override).toBeNull();
      expect((await store.overrides()).find((o) => o.intersection_id === target())).toBeUndefined();
    });

    it('after all that, what was stored before is intact', async () => {
      expect((await store.auditLog(5000)).length).toBe(auditBefore);
      expect(await store.userCount()).toBe(usersBefore);
      const one = await call('GET', `/api/intersections/${target()}`, { token: tokens.police });
      expect(one.status).toBe(200);
      expect(one.json.controller).toBe('maxpressure');
      expect(JSON.parse((await store.controllerChoices()).find((c) => c.intersection_id === target())!.config_json)).toMatchObject({ kind: 'maxpressure' });
      for (const role of roles) {
        expect((await store.user(USER[role]))!.role).toBe(role);
        expect((await call('GET', '/api/intersections', { token: tokens[role] })).status).toBe(200);
      }
      expect(await login('admin')).toMatch(/^[\w-]{20,}$/);
      const health = await call('GET', '/health');
      expect(health.json).toMatchObject({ status: 'ok', database: 'ok' });
    });
  });

  it('openapi.json documents every route, with the body schemas of login and override', async () => {
    const r = await call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toMatch(/^3\./);
    const paths = r.json.paths as Record<string, Record<string, any>>;
    for (const key of [...endpoints().map((e) => e.key), ...Object.keys(SPECIAL)]) {
      const [method, path] = key.split(' ') as [string, string];
      expect(paths[path]?.[method.toLowerCase()], key).toBeDefined();
    }
    const loginBody = paths['/api/login']!.post.requestBody.content['application/json'].schema;
    expect(loginBody.type).toBe('object');
    expect(loginBody.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(Object.keys(loginBody.properties)).toEqual(expect.arrayContaining(['username', 'password']));
    const overrideOp = paths['/api/intersections/{id}/override']!.post;
    expect(overrideOp['x-permission']).toBe('override:set');
    expect(overrideOp.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const overrideBody = overrideOp.requestBody.content['application/json'].schema;
    const variants = (overrideBody.oneOf ?? overrideBody.anyOf) as any[];
    expect(variants.map((v) => v.properties.kind.const).sort()).toEqual(['fixed-plan', 'flash', 'hold-phase', 'release']);
    const hold = variants.find((v) => v.properties.kind.const === 'hold-phase');
    expect(hold.required).toEqual(expect.arrayContaining(['kind', 'phase', 'reason']));
    expect(hold.properties.phase).toMatchObject({ minimum: 1, maximum: 16 });
    expect(overrideOp.responses['422']).toBeDefined();
    expect(overrideOp.responses['403']).toBeDefined();
    expect(paths['/health']!.get.security).toBeUndefined();
    expect(paths['/api/audit']!.get['x-permission']).toBe('audit:read');
  });
});
