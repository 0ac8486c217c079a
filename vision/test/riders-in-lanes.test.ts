import { describe, expect, it } from 'vitest';
import type { Detection } from '../src/detect/detection.ts';
import { ridersInLanesAsMotorbikes } from '../src/pipeline/riders-in-lanes.ts';

const lanes = [{ approachId: 'N', laneIndex: 0, polygon: [[100, 100], [200, 100], [200, 300], [100, 300]] as [number, number][] }];
const d = (cls: Detection['class'], box: Detection['box'], score = 0.6): Detection => ({ class: cls, score, box });

describe('riders in traffic lanes', () => {
  it('a lone person in a lane becomes a motorbike; on the pavement stays a person', () => {
    const out = ridersInLanesAsMotorbikes([d('person', [130, 150, 150, 200]), d('person', [250, 150, 270, 200])], lanes);
    expect(out.map((x) => x.class)).toEqual(['motorbike', 'person']);
    expect(out[0]!.box).toEqual([130, 150, 150, 200]);
  });

  it('a rider already covered by a motorbike box is not counted twice; cars are untouched', () => {
    const out = ridersInLanesAsMotorbikes([d('motorbike', [125, 160, 160, 230]), d('person', [130, 150, 150, 200]), d('car', [150, 200, 199, 290])], lanes);
    expect(out.map((x) => x.class)).toEqual(['motorbike', 'car']);
  });
});
