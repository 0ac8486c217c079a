import {
  AgentTokenRequest,
  ControllerChoiceRequest,
  CreateUserRequest,
  LoginRequest,
  OverrideRequest,
  jsonSchemaOf,
} from '@greenwave/contracts';
import { hashPassword, newToken, passwordProblem, tokenHash, verifyPassword } from './auth.ts';
import type { Centre } from './centre.ts';
import { overrideRequest } from './centre.ts';
import { HttpError, type RouteContext, type Router } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { superviseRequest } from '../safety/supervisor.ts';

const SESSION_MS = 12 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** A time from a query parameter: ms since the epoch or an ISO 8601 date-time. */
function timeParam(ctx: RouteContext, name: string, fallback: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value)) throw new HttpError(400, 'bad-query', `${name} must be ms since the epoch or an ISO 8601 time, got "${raw.slice(0, 60)}"`);
  return value;
}

function range(ctx: RouteContext, now: number, maxMs: number): { from: number; to: number } {
  const to = timeParam(ctx, 'to', now);
  const from = timeParam(ctx, 'from', to - 3600_000);
  if (from >= to) throw new HttpError(400, 'bad-query', `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`);
  if (to - from > maxMs) throw new HttpError(400, 'bad-query', `range of ${((to - from) / DAY_MS).toFixed(1)} days is over the ${maxMs / DAY_MS}-day limit: ask for less`);
  return { from, to };
}

/** ATSPM hi-res timestamp: "YYYY-MM-DD HH:MM:SS.f" (UTC; tenths of a second, as controllers log). */
export function atspmTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 21)}`;
}

/** Registers every HTTP endpoint of the centre; each names the permission it needs (see auth.ts). */
export function registerApi(router: Router, centre: Centre): void {
  const store = centre.store;
  const index = (ctx: RouteContext): number => {
    const i = centre.byId.get(ctx.params.id!);
    if (i === undefined) throw new HttpError(404, 'not-found', `no intersection "${ctx.params.id}"`);
    return i;
  };
  const audit = (ctx: RouteContext, action: string, target: string, reason: string, detail: unknown) =>
    store.audit({ time_ms: centre.clock(), username: ctx.caller!.username, role: ctx.caller!.role, action, target, reason, detail: JSON.stringify(detail) });

  router.add('GET', '/health', null, 'Liveness and readiness', async () => {
    const started = performance.now();
    let database = 'ok';
    try {
      await store.userCount();
    } catch (error) {
      database = (error as Error).message;
    }
    const ok = database === 'ok';
    return {
      status: ok ? 200 : 503,
      json: { status: ok ? 'ok' : 'degraded', database, databaseMs: Math.round((performance.now() - started) * 10) / 10, agentsOnline: centre.sessions.size, intersections: centre.live.length, ingestQueue: centre.ingestStats.queued },
    };
  });
  router.add('GET', '/metrics', null, 'Prometheus metrics', async () => ({ text: await centre.metrics.registry.metrics(), contentType: centre.metrics.registry.contentType }));
  router.add('GET', '/api/openapi.json', null, 'This document', () => ({ json: openApiDocument(router) }));

  router.add('POST', '/api/login', null, 'Log in: returns a bearer token (12 h)', async (ctx) => {
    const body = await ctx.body(LoginRequest);
    const user = await store.user(body.username);
    // verify against a dummy hash for unknown users so timing does not tell which names exist
    const ok = await verifyPassword(body.password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw new HttpError(401, 'unauthorised', 'wrong username or password');
    const token = newToken();
    const expiresMs = centre.clock() + SESSION_MS;
    await store.createSession(tokenHash(token), user.username, user.role, expiresMs);
    return { json: { token, username: user.username, role: user.role, expiresAt: new Date(expiresMs).toISOString() } };
  });
  router.add('POST', '/api/logout', 'intersections:read', 'End this session', async (ctx) => {
    const hash = tokenHash(/^Bearer\s+(\S+)$/.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '');
    await store.deleteSession(hash);
    centre.forgetSession(hash);
    return { status: 204 };
  });

  router.add('GET', '/api/intersections', 'intersections:read', 'Every intersection with its live state', () => ({ text: centre.liveListJson(), contentType: 'application/json; charset=utf-8' }));
  router.add('GET', '/api/intersections/:id', 'intersections:read', 'One intersection: live state, lanes, controller, override, last command', (ctx) => {
    const i = index(ctx);
    const live = centre.live[i]!;
    const model = centre.models[i]!;
    return {
      json: {
        ...live,
        phases: model.phases,
        approaches: centre.options.intersections[i]!.approaches.map((a) => ({ id: a.id, bearingDeg: a.bearingDeg, lanes: a.lanes.length })),
        lastReason: centre.loop.entries[i]!.lastReason,
      },
    };
  });
  router.add('GET', '/api/intersections/:id/measurements', 'measurements:read', 'Per-lane measurements over a time range (?from&to ms or ISO, resolution=1m|15m)', async (ctx) => {
    const i = index(ctx);
    const resolution = ctx.url.searchParams.get('resolution') ?? '1m';
    if (resolution !== '1m' && resolution !== '15m') throw new HttpError(400, 'bad-query', `resolution must be 1m or 15m, got "${resolution.slice(0, 20)}"`);
    const { from, to } = range(ctx, centre.clock(), resolution === '1m' ? 7 * DAY_MS : 92 * DAY_MS);
    const rows = await store.measurements(centre.live[i]!.id, from, to, resolution);
    return { json: { intersectionId: centre.live[i]!.id, resolution, from: new Date(from).toISOString(), to: new Date(to).toISOString(), rows } };
  });
  router.add('GET', '/api/intersections/:id/events.csv', 'events:export', 'Hi-res event log as CSV in the ATSPM format (?from&to)', async (ctx) => {
    const i = index(ctx);
    const { from, to } = range(ctx, centre.clock(), 7 * DAY_MS);
    const id = centre.live[i]!.id;
    const rows = await store.events(id, from, to);
    const lines = ['SignalId,Timestamp,EventCode,EventParam', ...rows.map((r) => `${id},${atspmTime(Number(r.time_ms))},${r.code},${r.param}`)];
    return { text: `${lines.join('\n')}\n`, contentType: 'text/csv; charset=utf-8', headers: { 'content-disposition': `attachment; filename="${id}-events.csv"` } };
  });
  router.add('GET', '/api/alarms', 'alarms:read', 'Latest alarms (?intersection=&limit=)', async (ctx) => {
    const limit = Number(ctx.url.searchParams.get('limit') ?? 200);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new HttpError(400, 'bad-query', `limit must be 1..5000, got "${ctx.url.searchParams.get('limit')}"`);
    const intersectionId = ctx.url.searchParams.get('intersection') ?? undefined;
    if (intersectionId !== undefined && !centre.byId.has(intersectionId)) throw new HttpError(404, 'not-found', `no intersection "${intersectionId}"`);
    const rows = await store.alarms({ intersectionId, limit });
    return { json: { alarms: rows.map((r) => ({ intersectionId: r.intersection_id, time: new Date(Number(r.time_ms)).toISOString(), code: r.code, severity: r.severity, message: r.message, active: Number(r.active) === 1 })) } };
  });

  router.add('PUT', '/api/intersections/:id/controller', 'control:change', 'Choose the controller of an intersection (audited)', async (ctx) => {
    const i = index(ctx);
    const body = await ctx.body(ControllerChoiceRequest);
    const id = centre.live[i]!.id;
    const before = centre.live[i]!.controller;
    await store.setControllerChoice(id, JSON.stringify(body.controller), ctx.caller!.username, centre.clock());
    await audit(ctx, 'controller', id, body.reason, { from: before, to: body.controller });
    centre.loop.setController(i, body.controller);
    centre.live[i]!.controller = body.controller.kind;
    centre.liveChanged();
    return { json: { intersectionId: id, controller: body.controller.kind } };
  });
  router.add('POST', '/api/intersections/:id/override', 'override:set', 'Manual control: hold a phase, run a fixed plan, flash, or release (audited)', async (ctx) => {
    const i = index(ctx);
    const body = await ctx.body(OverrideRequest);
    const id = centre.live[i]!.id;
    const request = overrideRequest(body);
    if (request) {
      const verdict = superviseRequest(centre.models[i]!, request, 'operator');
      if (!verdict.ok) throw new HttpError(422, 'refused', `the safety supervisor refuses this override: ${verdict.problems.map((p) => p.message).join('; ')}`);
    }
    const now = centre.clock();
    if (body.kind === 'release') await store.clearOverride(id);
    else await store.setOverride({ intersection_id: id, kind: body.kind, detail_json: JSON.stringify(body), username: ctx.caller!.username, reason: body.reason, time_ms: now });
    await audit(ctx, `override:${body.kind}`, id, body.reason, body);
    centre.setOverride(i, body.kind === 'release' ? null : body);
    return { json: { intersectionId: id, override: body.kind === 'release' ? null : body, online: centre.live[i]!.online } };
  });

  router.add('GET', '/api/audit', 'audit:read', 'Audit log, newest first (?limit=)', async (ctx) => {
    const limit = Number(ctx.url.searchParams.get('limit') ?? 200);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new HttpError(400, 'bad-query', `limit must be 1..5000, got "${ctx.url.searchParams.get('limit')}"`);
    const rows = await store.auditLog(limit);
    return { json: { entries: rows.map((r) => ({ time: new Date(Number(r.time_ms)).toISOString(), username: r.username, role: r.role, action: r.action, target: r.target, reason: r.reason, detail: JSON.parse(r.detail) as unknown })) } };
  });
  router.add('POST', '/api/users', 'users:manage', 'Create a user (admin)', async (ctx) => {
    const body = await ctx.body(CreateUserRequest);
    const problem = passwordProblem(body.password);
    if (problem) throw new HttpError(422, 'invalid-body', problem);
    if (await store.user(body.username)) throw new HttpError(409, 'exists', `user "${body.username}" already exists`);
    await store.createUser(body.username, await hashPassword(body.password), body.role, centre.clock());
    await audit(ctx, 'user:create', body.username, `new ${body.role}`, { role: body.role });
    return { status: 201, json: { username: body.username, role: body.role } };
  });
  router.add('POST', '/api/intersections/:id/agent-token', 'agents:manage', 'Issue (or replace) the token of the agent of an intersection; shown once', async (ctx) => {
    const i = index(ctx);
    const body = await ctx.body(AgentTokenRequest);
    const id = centre.live[i]!.id;
    const token = newToken();
    await store.upsertAgent(body.agentId, id, tokenHash(token), centre.clock());
    await audit(ctx, 'agent:token', id, `token for agent ${body.agentId}`, { agentId: body.agentId });
    return { status: 201, json: { agentId: body.agentId, intersectionId: id, token } };
  });
}

// a real scrypt hash of a random password nobody knows
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$8oTtBbGmrGSh9hQ4n1x0n1y0dJ6s2dG3mWwYb9W3J8Q';
