import { Twin } from './src/twin/twin.ts';
import { singleJunctionNetwork, quietScenario } from './src/testing/fixtures.ts';
for (const cls of ['car', 'motorbike'] as const) {
const network = singleJunctionNetwork({ mainLanes: 1 });
const twin = new Twin({ scenario: quietScenario(), network });
const cab = twin.junctions[0]!.cabinet;
cab.request({ mode: 'centre', stage: [2] });
for (let i = 0; i < 400; i++) twin.inject(['in-W', 'out-E'], cls, i * 0.3);
const lane = twin.rt.edgeById.get('in-W')!.lanes[0]!;
const crossings: number[] = [];
for (let s = 0; s < 300; s++) {
  if (s === 120) cab.request({ stage: [1] });
  else cab.request({ heartbeat: true });
  const before = lane.crossCount;
  twin.step();
  crossings.push(lane.crossCount - before);
}
const greenAt = crossings.findIndex((c) => c > 0);
const window = crossings.slice(greenAt + 10, greenAt + 70);
console.log(cls, 'first crossing at', greenAt, 'flow veh/h over 60s:', window.reduce((a,b)=>a+b,0) * 60, 'queue vehicles in lane', lane.vehicles.length);
}
