import { DanangGeneratorParams, Network, buildPhaseModel, parseWith } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { PILOTS, generateDanangCity } from './city-generator.ts';

describe('Da Nang-like city generator', () => {
  const params = DanangGeneratorParams.parse({});
  const city = generateDanangCity(params, 20261127);

  it('has ~200 signalised intersections, valid against the network schema', () => {
    expect(city.intersections.length).toBe(200);
    expect(() => parseWith(Network, city, 'generated')).not.toThrow();
  });

  it('names the two seed pilots and gives them their controllers', () => {
    const nuiThanh = city.intersections.find((x) => x.id === PILOTS.nuiThanh.id)!;
    const haHuyTap = city.intersections.find((x) => x.id === PILOTS.haHuyTap.id)!;
    expect(nuiThanh.name).toBe('Núi Thành – Phan Đăng Lưu');
    expect(nuiThanh.control?.kind).toBe('density');
    expect(haHuyTap.name).toBe('Hà Huy Tập – Huỳnh Ngọc Huệ');
    expect(haHuyTap.control?.kind).toBe('queue');
  });

  it('mixes arterials and local streets, 1-3 lanes per direction, some one-way streets, varied blocks', () => {
    const interior = city.edges.filter((e) => !e.from.startsWith('b-') && !e.to.startsWith('b-'));
    expect(new Set(city.edges.map((e) => e.roadClass))).toEqual(new Set(['arterial', 'collector', 'local']));
    expect(Math.min(...city.edges.map((e) => e.lanes))).toBe(1);
    expect(Math.max(...city.edges.map((e) => e.lanes))).toBe(3);
    const pairs = new Set(interior.map((e) => `${e.from}>${e.to}`));
    const oneWay = interior.filter((e) => !pairs.has(`${e.to}>${e.from}`));
    expect(oneWay.length).toBeGreaterThan(10);
    const lengths = interior.map((e) => e.lengthM);
    expect(Math.min(...lengths)).toBeLessThan(params.minBlockM + 60);
    expect(Math.max(...lengths)).toBeGreaterThan(params.maxBlockM - 60);
  });

  it('uses protected-left NEMA phasing on big crossings and two stages elsewhere, all conflict-free', () => {
    const kinds = new Set(city.intersections.map((x) => x.structure.kind));
    expect(kinds).toEqual(new Set(['dual-ring', 'stages']));
    for (const x of city.intersections) {
      const model = buildPhaseModel(x);
      for (const stage of model.stages) for (const a of stage) for (const b of stage) expect(model.conflicts.conflicts(a, b)).toBe(false);
    }
  });

  it('is the same city for the same seed', () => {
    expect(JSON.stringify(generateDanangCity(params, 5))).toBe(JSON.stringify(generateDanangCity(params, 5)));
    expect(JSON.stringify(generateDanangCity(params, 5))).not.toBe(JSON.stringify(generateDanangCity(params, 6)));
  });
});
