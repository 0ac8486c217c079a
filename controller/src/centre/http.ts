import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GreenwaveError, ValidationError, formatIssue, toGreenwaveError } from '@greenwave/contracts';
import type { z } from 'zod';
import { type Permission, type Role, allowed } from './auth.ts';

/** An HTTP error with its status; the body says what was wrong. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Caller {
  username: string;
  role: Role;
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  caller: Caller | null;
  /** The JSON body validated against a schema (errors name the field and the value). */
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
}

export type Reply = { status?: number; json?: unknown; text?: string | Buffer; contentType?: string; headers?: Record<string, string> };
export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply;

interface Route {
  method: string;
  parts: string[];
  /** null: open to anyone; otherwise the permission a caller needs. */
  permission: Permission | null;
  handler: Handler;
  summary: string;
}

export const MAX_BODY_BYTES = 64 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'too-large', `request body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too-large', `request body over the ${MAX_BODY_BYTES}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A small router: method + path pattern (`/api/intersections/:id`) + the permission it needs. Authentication runs
 * before the handler; everything thrown becomes a JSON error `{ error: { code, message } }` with the right status.
 */
export class Router {
  readonly routes: Route[] = [];

  constructor(private readonly authenticate: (token: string) => Promise<Caller | null>) {}

  add(method: string, path: string, permission: Permission | null, summary: string, handler: Handler): void {
    this.routes.push({ method, parts: path.split('/').filter(Boolean), permission, handler, summary });
  }

  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | 'wrong-method' | null {
    const parts = pathname.split('/').filter(Boolean);
    let wrongMethod = false;
    for (const route of this.routes) {
      if (route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const p = route.parts[i]!;
        if (p.startsWith(':')) {
          try {
            params[p.slice(1)] = decodeURIComponent(parts[i]!);
          } catch {
            ok = false;
          }
        } else if (p !== parts[i]) ok = false;
      }
      if (!ok) continue;
      if (route.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { route, params };
    }
    return wrongMethod ? 'wrong-method' : null;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const found = this.match(req.method ?? 'GET', url.pathname);
      if (found === null) throw new HttpError(404, 'not-found', `no such endpoint: ${req.method} ${url.pathname}`);
      if (found === 'wrong-method') throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed on ${url.pathname}`);
      const { route, params } = found;
      let caller: Caller | null = null;
      const header = req.headers.authorization;
      // open endpoints ignore credentials (a stale token must not hide /health)
      if (header && route.permission !== null) {
        const m = /^Bearer\s+(\S+)$/.exec(header);
        if (!m) throw new HttpError(401, 'unauthorised', 'Authorization must be "Bearer <token>"');
        caller = await this.authenticate(m[1]!);
        if (!caller) throw new HttpError(401, 'unauthorised', 'unknown or expired token');
      }
      if (route.permission !== null) {
        if (!caller) throw new HttpError(401, 'unauthorised', 'log in first (POST /api/login) and send the token as "Authorization: Bearer <token>"');
        if (!allowed(caller.role, route.permission)) throw new HttpError(403, 'forbidden', `role ${caller.role} may not ${route.permission}`);
      }
      reply = await route.handler({
        req,
        url,
        params,
        caller,
        body: async <S extends z.ZodType>(schema: S) => {
          const type = req.headers['content-type'] ?? '';
          if (!/^application\/json\b/.test(type)) throw new HttpError(415, 'unsupported-media-type', 'send JSON with Content-Type: application/json');
          const text = await readBody(req);
          let data: unknown;
          try {
            data = JSON.parse(text);
          } catch (error) {
            throw new HttpError(400, 'bad-json', `body is not JSON: ${(error as Error).message}`);
          }
          const parsed = schema.safeParse(data);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => formatIssue({ source: 'body', path: i.path.join('.'), message: i.message }));
            throw new HttpError(422, 'invalid-body', issues.join('; '));
          }
          return parsed.data;
        },
      });
    } catch (thrown) {
      reply = errorReply(thrown);
    }
    const status = reply.status ?? 200;
    const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
    // the rest of an oversized body is not read: close the connection so the next request does not land in it
    if (status === 413) headers.connection = 'close';
    if (reply.text !== undefined) {
      res.writeHead(status, { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8', ...headers });
      res.end(reply.text);
    } else {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
    }
  }
}

export function errorReply(thrown: unknown): Reply {
  if (thrown instanceof HttpError) return { status: thrown.status, json: { error: { code: thrown.code, message: thrown.message } } };
  if (thrown instanceof ValidationError) return { status: 422, json: { error: { code: 'invalid', message: thrown.message } } };
  const error = toGreenwaveError(thrown);
  if (error.code === ErrorCode.NOT_FOUND) return { status: 404, json: { error: { code: 'not-found', message: error.message } } };
  if (error.code === ErrorCode.INVALID_REQUEST || error.code === ErrorCode.UNSAFE_DECISION) return { status: 422, json: { error: { code: 'refused', message: error.message } } };
  return { status: 500, json: { error: { code: 'internal', message: error instanceof GreenwaveError && error.code !== ErrorCode.INTERNAL ? error.message : 'internal error' } } };
}
