import { freePortBlock, loadScenario } from '@greenwave/simulator';
import { describe, expect, it } from 'vitest';
import { evaluateController } from '../src/eval/evaluate.ts';

// The deployed signal path (centre -> field driver -> Modbus TCP / OPC UA -> cabinet) must not change what happens on
// the street: in lockstep with the twin, results through the protocols equal the direct path's.
describe('city through its cabinet links', () => {
  it('gives the same trips, delays and queues as the direct path (small town, mixed Modbus / OPC UA)', async () => {
    const { scenario, network } = loadScenario('small');
    const common = { scenario: { ...scenario, warmupS: 120 }, network, controller: 'density' as const, durationS: 300, coolDownS: 200 };
    const direct = await evaluateController(common);
    const viaLink = await evaluateController({ ...common, via: 'protocol', basePort: await freePortBlock(220) });
    expect(viaLink.via).toBe('protocol');
    const strip = ({ wallS: _w, via: _v, vehicleUpdates: _u, ...rest }: typeof direct) => rest;
    expect(strip(viaLink)).toEqual(strip(direct));
    expect(direct.completedTrips).toBeGreaterThan(100);
    expect(viaLink.supervisorRejections).toBe(0);
  }, 180_000);
});
