import { loadScenario } from './src/scenario-loader.ts';
import { Twin } from './src/twin/twin.ts';
import { laneQueue } from './src/twin/camera.ts';
const { scenario, network } = loadScenario('danang');
const twin = new Twin({ scenario, network });
const t0 = performance.now();
for (let s = 0; s < 600; s++) twin.step();
const t1 = performance.now();
console.log('warmup 600 s wall', ((t1-t0)/1000).toFixed(2), 'in network', twin.inNetwork, 'waiting', twin.waitingToEnter);
twin.startWindow(twin.simS + 3600);
const t2 = performance.now();
for (let s = 0; s < 1200; s++) { twin.step(); if (s % 600 === 599) console.log(s+1, 'in', twin.inNetwork, 'wait', twin.waitingToEnter, 'done', twin.totals.completed, ((performance.now()-t2)/1000).toFixed(1)); if (s % 10 === 0) twin.sampleQueues((l) => laneQueue(l).lengthM); }
const t3 = performance.now();
const t = twin.totals;
console.log('hour wall', ((t3-t2)/1000).toFixed(2), 'updates', twin.vehicleUpdates, 'completed', t.completed, 'meanLoss', (t.timeLossS/t.completed).toFixed(1), 'meanTT', (t.travelTimeS/t.completed).toFixed(1), 'stops', (t.stops/t.completed).toFixed(2), 'p95q', twin.queuePercentile(0.95), 'open', JSON.stringify(twin.windowOpenTrips()), 'unroutable', twin.unroutableTrips);
