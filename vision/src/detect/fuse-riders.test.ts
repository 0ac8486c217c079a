import { describe, expect, it } from 'vitest';
import type { Detection } from './detection.ts';
import { fuseRiders } from './fuse-riders.ts';

const motorbike: Detection = { class: 'motorbike', score: 0.55, box: [100, 150, 170, 230] };
const rider: Detection = { class: 'person', score: 0.8, box: [110, 90, 160, 200] };

describe('fuseRiders', () => {
  it('turns a motorbike and its rider into one motorbike with the union box and the best score', () => {
    expect(fuseRiders([rider, motorbike])).toEqual([{ class: 'motorbike', score: 0.8, box: [100, 90, 170, 230] }]);
  });

  it('takes a passenger too (two people on one bike)', () => {
    const passenger: Detection = { class: 'person', score: 0.6, box: [95, 95, 150, 210] };
    expect(fuseRiders([motorbike, rider, passenger])).toEqual([{ class: 'motorbike', score: 0.8, box: [95, 90, 170, 230] }]);
  });

  it('makes a ridden bicycle a motorbike by default, or keeps it a bicycle when asked', () => {
    const bicycle: Detection = { ...motorbike, class: 'bicycle' };
    expect(fuseRiders([bicycle, rider])[0]?.class).toBe('motorbike');
    expect(fuseRiders([bicycle, rider], { riddenBicycleClass: 'bicycle' })[0]?.class).toBe('bicycle');
  });

  it('keeps pedestrians away from two-wheelers, and persons beside a bike whose centre is not over it', () => {
    const pedestrian: Detection = { class: 'person', score: 0.7, box: [400, 100, 440, 220] };
    const beside: Detection = { class: 'person', score: 0.7, box: [150, 120, 200, 230] }; // centre x 175 > 170
    const result = fuseRiders([motorbike, pedestrian, beside]);
    expect(result).toEqual([motorbike, pedestrian, beside]);
  });

  it('gives each rider to the bike they overlap most, and leaves cars alone', () => {
    const second: Detection = { class: 'motorbike', score: 0.5, box: [150, 150, 230, 230] };
    const car: Detection = { class: 'car', score: 0.9, box: [0, 0, 400, 400] };
    const result = fuseRiders([car, motorbike, second, rider]);
    expect(result).toEqual([car, { class: 'motorbike', score: 0.8, box: [100, 90, 170, 230] }, second]);
  });

  it('respects minOverlap', () => {
    const onTop: Detection = { class: 'person', score: 0.8, box: [110, 40, 160, 160] }; // overlaps 10 px of the bike
    expect(fuseRiders([motorbike, onTop])).toHaveLength(2);
    expect(fuseRiders([motorbike, onTop], { minOverlap: 0.05 })).toHaveLength(1);
  });
});
