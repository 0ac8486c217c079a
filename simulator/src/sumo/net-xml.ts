import { readFileSync } from 'node:fs';
import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

/** What greenwave reads from a SUMO .net.xml. */
export interface SumoNet {
  file: string;
  junctions: Map<string, SumoJunction>;
  edges: Map<string, SumoEdge>;
  tlLogics: Map<string, SumoTlLogic>;
  connections: SumoConnection[];
}

export interface SumoJunction {
  id: string;
  type: string;
  x: number;
  y: number;
  /** Request index -> foe flags by link index (true = the two links conflict). */
  foes: boolean[][];
}

export interface SumoLane {
  id: string;
  index: number;
  speed: number;
  length: number;
}

export interface SumoEdge {
  id: string;
  from: string;
  to: string;
  lanes: SumoLane[];
}

export interface SumoPhase {
  duration: number;
  state: string;
  minDur?: number;
  maxDur?: number;
}

export interface SumoTlLogic {
  id: string;
  type: string;
  programId: string;
  offset: number;
  phases: SumoPhase[];
}

export interface SumoConnection {
  from: string;
  to: string;
  fromLane: number;
  toLane: number;
  via?: string;
  tl?: string;
  linkIndex?: number;
  dir: string;
}

const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text); m; m = ATTR.exec(text)) out[m[1]!] = decodeEntities(m[2]!);
  return out;
}

function num(attrs: Record<string, string>, name: string, where: string, fallback?: number): number {
  const raw = attrs[name];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${where}: missing attribute ${name}`);
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${where}: attribute ${name} is not a number (got "${raw}")`);
  return value;
}

/**
 * Reads the parts of a SUMO network greenwave needs: junctions (with their foe matrices), normal edges and lanes,
 * traffic-light programs and connections. SUMO's net files are machine-written and regular, so a tag scanner does;
 * errors name the file and the element.
 */
export function parseSumoNet(file: string): SumoNet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GreenwaveError(ErrorCode.IO, `cannot read SUMO network ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseSumoNetText(text, file);
}

export function parseSumoNetText(text: string, file: string): SumoNet {
  if (!/<net[\s>]/.test(text)) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${file}: not a SUMO network (no <net> element)`);
  const net: SumoNet = { file, junctions: new Map(), edges: new Map(), tlLogics: new Map(), connections: [] };
  let edge: SumoEdge | null = null;
  let tl: SumoTlLogic | null = null;
  let junction: SumoJunction | null = null;
  let requests: { index: number; foes: string }[] = [];
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    const closing = m[1] === '/';
    const name = m[2]!;
    const selfClosing = m[4] === '/';
    if (closing) {
      if (name === 'edge') edge = null;
      else if (name === 'tlLogic') tl = null;
      else if (name === 'junction' && junction) {
        finishJunction(junction, requests, file);
        junction = null;
      }
      continue;
    }
    const a = attributes(m[3] ?? '');
    const where = `${file}: <${name}${a.id ? ` id="${a.id}"` : ''}>`;
    switch (name) {
      case 'edge': {
        if (a.function === 'internal' || a.id?.startsWith(':')) {
          edge = null;
          break;
        }
        if (!a.id || !a.from || !a.to) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${where}: an edge needs id, from and to`);
        edge = { id: a.id, from: a.from, to: a.to, lanes: [] };
        net.edges.set(edge.id, edge);
        if (selfClosing) edge = null;
        break;
      }
      case 'lane':
        if (edge) edge.lanes.push({ id: a.id ?? `${edge.id}_${edge.lanes.length}`, index: num(a, 'index', where), speed: num(a, 'speed', where), length: num(a, 'length', where) });
        break;
      case 'tlLogic': {
        if (!a.id) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${where}: a tlLogic needs an id`);
        tl = { id: a.id, type: a.type ?? 'static', programId: a.programID ?? '0', offset: num(a, 'offset', where, 0), phases: [] };
        net.tlLogics.set(tl.id, tl);
        if (selfClosing) tl = null;
        break;
      }
      case 'phase':
        if (tl) {
          if (!a.state) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${where} of tlLogic ${tl.id}: a phase needs a state`);
          const phase: SumoPhase = { duration: num(a, 'duration', where), state: a.state };
          if (a.minDur !== undefined) phase.minDur = num(a, 'minDur', where);
          if (a.maxDur !== undefined) phase.maxDur = num(a, 'maxDur', where);
          tl.phases.push(phase);
        }
        break;
      case 'junction': {
        if (!a.id || a.type === 'internal') break;
        junction = { id: a.id, type: a.type ?? 'unknown', x: num(a, 'x', where), y: num(a, 'y', where), foes: [] };
        net.junctions.set(junction.id, junction);
        requests = [];
        if (selfClosing) junction = null;
        break;
      }
      case 'request':
        if (junction && a.foes !== undefined) requests.push({ index: num(a, 'index', where), foes: a.foes });
        break;
      case 'connection': {
        if (!a.from || !a.to || a.from.startsWith(':')) break;
        const c: SumoConnection = { from: a.from, to: a.to, fromLane: num(a, 'fromLane', where), toLane: num(a, 'toLane', where), dir: a.dir ?? 's' };
        if (a.via) c.via = a.via;
        if (a.tl) {
          c.tl = a.tl;
          c.linkIndex = num(a, 'linkIndex', where);
        }
        net.connections.push(c);
        break;
      }
      default:
        break;
    }
  }
  return net;
}

function finishJunction(junction: SumoJunction, requests: { index: number; foes: string }[], file: string): void {
  const n = requests.length;
  junction.foes = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const r of requests) {
    if (r.foes.length !== n) throw new GreenwaveError(ErrorCode.INVALID_CONFIG, `${file}: junction ${junction.id} request ${r.index} has ${r.foes.length} foe flags for ${n} links`);
    // SUMO writes the flags with link 0 last
    for (let j = 0; j < n; j++) if (r.foes[n - 1 - j] === '1') junction.foes[r.index]![j] = true;
  }
}
