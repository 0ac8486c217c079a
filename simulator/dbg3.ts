import { Twin } from './src/twin/twin.ts';
import { singleJunctionNetwork, quietScenario } from './src/testing/fixtures.ts';
for (const car of [{ reactionTimeS: 1.15 }, { reactionTimeS: 1.2 }]) {
  const flows: number[] = [];
  for (const seed of [1, 2, 3]) {
    const network = singleJunctionNetwork({ mainLanes: 1 });
    const twin = new Twin({ scenario: quietScenario({ seed, vehicleClasses: { car } }), network });
    const cab = twin.junctions[0]!.cabinet;
    cab.request({ mode: 'centre', stage: [2] });
    for (let i = 0; i < 400; i++) twin.inject(['in-W', 'out-E'], 'car', i * 0.3);
    const lane = twin.rt.edgeById.get('in-W')!.lanes[0]!;
    const crossings: number[] = [];
    for (let s = 0; s < 300; s++) {
      if (s === 120) cab.request({ stage: [1] }); else cab.request({ heartbeat: true });
      const before = lane.crossCount; twin.step(); crossings.push(lane.crossCount - before);
    }
    const g = crossings.findIndex((c) => c > 0);
    flows.push(crossings.slice(g + 10, g + 130).reduce((a, b) => a + b, 0) * 30);
  }
  console.log(JSON.stringify(car), flows);
}
