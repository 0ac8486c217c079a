import { ErrorCode, GreenwaveError, Intersection, type IntersectionInput, type Turn, parseWith } from '@greenwave/contracts';
import type { SumoConnection, SumoNet } from './net-xml.ts';

/** One SUMO traffic light as greenwave sees it. */
export interface ImportedTls {
  tlsId: string;
  intersection: Intersection;
  /** Length of the tls state string. */
  linkCount: number;
  /** SUMO state string of each greenwave phase (stage) while green, by phase number. */
  stageStates: Map<number, string>;
  /** Foe flags between tl links (null when the tls spans several junctions: every stage pair conflicts). */
  linkFoes: boolean[][] | null;
  /** Inbound lanes in config order, with their SUMO lane ids and lengths. */
  lanes: { approachId: string; laneIndex: number; laneId: string; lengthM: number }[];
  /** SUMO program the import was built from. */
  programId: string;
}

const TURN_OF_DIR: Record<string, Turn> = { s: 'through', l: 'left', L: 'left', r: 'right', R: 'right', t: 'uturn' };
const isGreen = (c: string | undefined) => c === 'G' || c === 'g' || c === 's';

function bearing(fromX: number, fromY: number, toX: number, toY: number): number {
  const deg = (Math.atan2(toX - fromX, toY - fromY) * 180) / Math.PI;
  return Math.round(((deg % 360) + 360) % 360 * 10) / 10 % 360;
}

const tenth = (v: number) => Math.round(v * 10) / 10;

/**
 * Builds a greenwave intersection from each SUMO traffic light: legs from the edges meeting at the junction, lanes and
 * their turns from the connections, one stage per green phase of the tlLogic (with yellow and all-red from the phases
 * after it), the stage conflict table from the junction's foe matrix, and the SUMO program as the stored plan.
 */
export function importSumoNet(net: SumoNet): ImportedTls[] {
  return [...net.tlLogics.values()].map((tl) => importTls(net, tl.id));
}

export function importTls(net: SumoNet, tlsId: string): ImportedTls {
  const tl = net.tlLogics.get(tlsId);
  const fail = (message: string) => new GreenwaveError(ErrorCode.INVALID_CONFIG, `${net.file}: traffic light ${tlsId}: ${message}`);
  if (!tl) throw fail('no tlLogic with this id');
  const links = net.connections.filter((c) => c.tl === tlsId).sort((a, b) => a.linkIndex! - b.linkIndex!);
  if (links.length === 0) throw fail('controls no connection');
  const linkCount = Math.max(...links.map((c) => c.linkIndex!)) + 1;
  for (const phase of tl.phases) if (phase.state.length !== linkCount) throw fail(`phase state "${phase.state}" has ${phase.state.length} signals for ${linkCount} links`);
  const junction = net.junctions.get(tlsId);
  const centre = junction ?? (() => {
    const to = net.edges.get(links[0]!.from)?.to;
    return to ? net.junctions.get(to) : undefined;
  })();
  if (!centre) throw fail('cannot locate its junction');

  // legs: pair each inbound edge with the outbound edge to the same neighbour
  const inbound = [...new Set(links.map((c) => c.from))];
  const outbound = [...new Set(links.map((c) => c.to))];
  const legs = new Map<string, { inbound: string | null; outbound: string | null; neighbour: string }>();
  for (const id of inbound) {
    const e = net.edges.get(id);
    if (!e) throw fail(`connection from unknown edge ${id}`);
    const leg = legs.get(e.from) ?? { inbound: null, outbound: null, neighbour: e.from };
    leg.inbound = id;
    legs.set(e.from, leg);
  }
  for (const id of outbound) {
    const e = net.edges.get(id);
    if (!e) throw fail(`connection to unknown edge ${id}`);
    const leg = legs.get(e.to) ?? { inbound: null, outbound: null, neighbour: e.to };
    leg.outbound = id;
    legs.set(e.to, leg);
  }
  const legOfInbound = new Map<string, string>();
  const legOfOutbound = new Map<string, string>();
  for (const [id, leg] of legs) {
    if (leg.inbound) legOfInbound.set(leg.inbound, id);
    if (leg.outbound) legOfOutbound.set(leg.outbound, id);
  }

  // stages: each green phase, with the yellow and all-red phases that follow it
  const stages: { state: string; greenS: number; minDur?: number; maxDur?: number; yellowS: number; redS: number }[] = [];
  for (let i = 0; i < tl.phases.length; i++) {
    const p = tl.phases[i]!;
    const hasYellow = /[yYu]/.test(p.state);
    const hasGreen = /[Ggs]/.test(p.state);
    if (hasGreen && !hasYellow) {
      const last = stages.at(-1);
      if (last && last.state === p.state && last.yellowS === 0 && last.redS === 0) last.greenS += p.duration;
      else stages.push({ state: p.state, greenS: p.duration, ...(p.minDur !== undefined ? { minDur: p.minDur } : {}), ...(p.maxDur !== undefined ? { maxDur: p.maxDur } : {}), yellowS: 0, redS: 0 });
    } else if (stages.length > 0) {
      if (hasYellow) stages.at(-1)!.yellowS += p.duration;
      else stages.at(-1)!.redS += p.duration;
    }
  }
  // phases before the first green belong to the last stage (the cycle wraps)
  for (let i = 0; i < tl.phases.length && !/[Ggs]/.test(tl.phases[i]!.state.replace(/[yYu]/g, '')); i++) {
    const p = tl.phases[i]!;
    if (stages.length === 0) break;
    if (/[yYu]/.test(p.state)) stages.at(-1)!.yellowS += p.duration;
    else stages.at(-1)!.redS += p.duration;
  }
  if (stages.length < 2) throw fail(`needs at least two green phases, found ${stages.length}`);
  if (stages.length > 16) throw fail(`has ${stages.length} green phases; greenwave handles at most 16`);

  // movements: per (inbound edge, outbound edge), served by the first stage that gives it a protected green
  type Movement = IntersectionInput['movements'][number];
  const movements: Movement[] = [];
  const linksOf = new Map<string, SumoConnection[]>();
  for (const c of links) {
    const key = `${c.from}>${c.to}`;
    linksOf.set(key, [...(linksOf.get(key) ?? []), c]);
  }
  const primary = new Map<string, number>();
  for (const [key, cs] of linksOf) {
    const greenIn = (s: number, chars: string) => cs.some((c) => chars.includes(stages[s]!.state[c.linkIndex!]!));
    let stage = stages.findIndex((_, s) => greenIn(s, 'G'));
    if (stage < 0) stage = stages.findIndex((_, s) => greenIn(s, 'gs'));
    if (stage < 0) continue; // never green under this program
    primary.set(key, stage);
  }
  // every stage must serve a movement: move one over from a stage that has several
  for (let s = 0; s < stages.length; s++) {
    if ([...primary.values()].includes(s)) continue;
    const candidate = [...linksOf.entries()].find(([key, cs]) => {
      const current = primary.get(key);
      if (current === undefined) return false;
      const others = [...primary.values()].filter((v) => v === current).length;
      return others > 1 && cs.some((c) => isGreen(stages[s]!.state[c.linkIndex!]));
    });
    if (!candidate) throw fail(`green phase ${s + 1} ("${stages[s]!.state}") serves no movement of its own`);
    primary.set(candidate[0], s);
  }
  for (const [key, stage] of primary) {
    const cs = linksOf.get(key)!;
    const c = cs[0]!;
    const state = stages[stage]!.state;
    movements.push({
      id: key,
      from: legOfInbound.get(c.from)!,
      to: legOfOutbound.get(c.to)!,
      turn: TURN_OF_DIR[c.dir] ?? 'through',
      phase: stage + 1,
      permissive: cs.every((x) => state[x.linkIndex!] !== 'G'),
    });
  }

  const approaches: IntersectionInput['approaches'] = [];
  const lanes: ImportedTls['lanes'] = [];
  for (const [id, leg] of legs) {
    const neighbour = net.junctions.get(leg.neighbour);
    const laneSpecs: IntersectionInput['approaches'][number]['lanes'] = [];
    if (leg.inbound) {
      const edge = net.edges.get(leg.inbound)!;
      for (const lane of edge.lanes) {
        const ofLane = links.filter((c) => c.from === edge.id && c.fromLane === lane.index && primary.has(`${c.from}>${c.to}`));
        const laneTurns = [...new Set(ofLane.map((c) => TURN_OF_DIR[c.dir] ?? 'through'))];
        // a lane without a signalled connection still exists: give it the edge's most common turn
        const turns = laneTurns.length > 0 ? laneTurns : [...new Set(movements.filter((m) => m.from === id).map((m) => m.turn))].slice(0, 1);
        if (turns.length === 0) continue;
        laneSpecs.push({ index: laneSpecs.length, turns, zone: { nearM: 0, farM: Math.max(1, Math.min(60, Math.floor(lane.length))) } });
        lanes.push({ approachId: id, laneIndex: laneSpecs.length - 1, laneId: lane.id, lengthM: lane.length });
      }
    }
    approaches.push({
      id,
      bearingDeg: neighbour ? bearing(centre.x, centre.y, neighbour.x, neighbour.y) : 0,
      inboundEdgeId: laneSpecs.length > 0 ? leg.inbound : null,
      outboundEdgeId: leg.outbound,
      lanes: laneSpecs,
    });
  }

  // stage conflicts from the junction's foes between links that change
  const linkFoes = junction && junction.foes.length === linkCount ? junction.foes : null;
  const overrides: IntersectionInput['conflictOverrides'] = [];
  for (let a = 0; a < stages.length; a++) {
    for (let b = a + 1; b < stages.length; b++) {
      let why: string | null = linkFoes ? null : 'traffic light spans several junctions';
      for (let i = 0; i < linkCount && !why && linkFoes; i++) {
        if (!isGreen(stages[a]!.state[i]) || isGreen(stages[b]!.state[i])) continue;
        for (let j = 0; j < linkCount; j++) {
          if (isGreen(stages[b]!.state[j]) && !isGreen(stages[a]!.state[j]) && linkFoes[i]![j]) {
            why = `SUMO foes: links ${i} and ${j}`;
            break;
          }
        }
      }
      overrides.push({ phases: [a + 1, b + 1], conflict: why !== null, reason: why ?? 'SUMO: no foe links between the stages' });
    }
  }

  const phases = stages.map((s, i) => {
    const greenS = tenth(Math.max(1, s.greenS));
    const minGreenS = tenth(Math.min(greenS, Math.max(1, s.minDur ?? Math.min(5, greenS))));
    const maxGreenS = tenth(Math.min(255, Math.max(minGreenS, s.maxDur ?? Math.max(2 * greenS, 30))));
    return {
      number: i + 1,
      name: `SUMO phase "${s.state}"`,
      timing: { minGreenS, passageS: 2, maxGreenS, yellowS: tenth(Math.min(6, Math.max(3, s.yellowS))), redClearanceS: tenth(Math.min(6, s.redS)) },
      greenS,
    };
  });
  const splits = phases.map((p) => ({ phase: p.number, splitS: tenth(p.greenS + p.timing.yellowS + p.timing.redClearanceS) }));
  const cycleS = tenth(splits.reduce((sum, s) => sum + s.splitS, 0));
  const draft: IntersectionInput = {
    id: tlsId,
    name: `SUMO ${tlsId}`,
    location: { xM: centre.x, yM: centre.y },
    approaches,
    movements,
    phases: phases.map(({ greenS: _, ...p }) => p),
    structure: { kind: 'stages', sequence: phases.map((p) => p.number) },
    conflictOverrides: overrides,
    fallbackPlan: { cycleS, offsetS: Math.min(tl.offset, cycleS - 0.1) >= 0 ? tenth(((tl.offset % cycleS) + cycleS) % cycleS) : 0, splits },
  };
  const intersection = parseWith(Intersection, draft, `${net.file} traffic light ${tlsId}`);
  return {
    tlsId,
    intersection,
    linkCount,
    stageStates: new Map(stages.map((s, i) => [i + 1, s.state])),
    linkFoes,
    lanes,
    programId: tl.programId,
  };
}
