import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPhaseModel } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { retypeTrafficLights } from '../src/sumo/baseline.ts';
import { importSumoNet } from '../src/sumo/net-import.ts';
import { makeGridNet, makeSingleJunctionNet } from '../src/sumo/net-fixtures.ts';
import { parseSumoNet, parseSumoNetText } from '../src/sumo/net-xml.ts';

const dir = mkdtempSync(join(tmpdir(), 'gw-import-'));

describe('SUMO network import', () => {
  it('turns a single crossing into a valid two-stage intersection with permissive lefts', () => {
    const [tls] = importSumoNet(parseSumoNet(makeSingleJunctionNet(dir)));
    const x = tls!.intersection;
    expect(x.approaches.map((a) => [a.id, a.bearingDeg]).sort()).toEqual([['bottom0', 180], ['left0', 270], ['right0', 90], ['top0', 0]]);
    for (const a of x.approaches) expect(a.lanes).toHaveLength(2);
    expect(x.structure).toEqual({ kind: 'stages', sequence: [1, 2] });
    const lefts = x.movements.filter((m) => m.turn === 'left');
    expect(lefts).toHaveLength(4);
    expect(lefts.every((m) => m.permissive)).toBe(true);
    expect(x.movements.filter((m) => m.turn === 'through').every((m) => !m.permissive)).toBe(true);
    // north-south and east-west are the two stages; they conflict (SUMO foes)
    const ns = x.movements.find((m) => m.id === 'top0A0>A0bottom0')!;
    const ew = x.movements.find((m) => m.id === 'left0A0>A0right0')!;
    expect(ns.phase).not.toBe(ew.phase);
    expect(buildPhaseModel(x).conflicts.conflicts(1, 2)).toBe(true);
    expect(x.conflictOverrides[0]!.reason).toMatch(/SUMO foes: links \d+ and \d+/);
    // the stored plan is SUMO's program: stage greens plus 3 s yellows
    expect(x.fallbackPlan.cycleS).toBe(x.fallbackPlan.splits.reduce((s, p) => s + p.splitS, 0));
    expect(x.phases.every((p) => p.timing.yellowS >= 3)).toBe(true);
    // each lane maps to a SUMO lane
    expect(tls!.lanes.map((l) => l.laneId).sort()).toEqual(['bottom0A0_0', 'bottom0A0_1', 'left0A0_0', 'left0A0_1', 'right0A0_0', 'right0A0_1', 'top0A0_0', 'top0A0_1']);
  });

  it('imports every light of a 3x3 grid; stage states cover every link', () => {
    const imported = importSumoNet(parseSumoNet(makeGridNet(dir, { columns: 3, rows: 3 })));
    expect(imported).toHaveLength(9);
    for (const t of imported) {
      for (const state of t.stageStates.values()) expect(state).toHaveLength(t.linkCount);
      // every link is green in at least one stage
      for (let i = 0; i < t.linkCount; i++) expect([...t.stageStates.values()].some((s) => /[Ggs]/.test(s[i]!))).toBe(true);
      expect(t.linkFoes).not.toBeNull();
    }
  });

  it('names the file and the light when a network is broken', () => {
    expect(() => parseSumoNetText('<routes/>', 'x.net.xml')).toThrow(/x\.net\.xml: not a SUMO network/);
    const text = readFileSync(makeSingleJunctionNet(dir), 'utf8').replace(/state="([GgrRy])([GgrRy])([GgrRy]+)"/, 'state="$3"');
    const file = join(dir, 'broken.net.xml');
    writeFileSync(file, text);
    expect(() => importSumoNet(parseSumoNet(file))).toThrow(/broken\.net\.xml: traffic light A0: phase state "\w+" has 14 signals for 16 links/);
    expect(() => parseSumoNetText('<net><edge id="e" from="a"/></net>', 'y.net.xml')).toThrow(/y\.net\.xml: <edge id="e">: an edge needs id, from and to/);
  });

  it('re-types the lights for SUMO’s own programs, keeping the phases', () => {
    const net = makeSingleJunctionNet(dir);
    const actuated = readFileSync(retypeTrafficLights(net, 'actuated', dir), 'utf8');
    expect(actuated).toMatch(/<tlLogic[^>]*type="actuated"/);
    expect(actuated).toMatch(/<phase duration="\d+" state="[Gg]+r+[Gg]+r+" minDur="5" maxDur="50"\/>/);
    const original = parseSumoNet(net).tlLogics.get('A0')!.phases.map((p) => p.state);
    const delay = parseSumoNet(retypeTrafficLights(net, 'delay_based', dir)).tlLogics.get('A0')!;
    expect(delay.type).toBe('delay_based');
    expect(delay.phases.map((p) => p.state)).toEqual(original);
  });
});
