import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { jsonSchemas } from './json-schemas.ts';
import { PhaseTiming } from './timing.ts';
import { Scenario } from './scenario.ts';
import { loadFile, parseDocumentText, parseWith } from './validate.ts';

const here = dirname(fileURLToPath(import.meta.url));

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('validation errors name the file, the path inside it and the bad value', () => {
  it('reports every problem of a scenario file with its line', () => {
    const file = join(here, '..', 'test', 'fixtures', 'bad-scenario.yaml');
    const issues = issuesOf(() => loadFile(Scenario, file));
    const byPath = new Map(issues.map((i) => [i.path, i]));
    expect(byPath.get('demand.classMix')?.message).toMatch(/add up to 1/);
    expect(byPath.get('demand.profile[1].time')).toMatchObject({ value: '25:00', line: 11 });
    expect(byPath.get('demand.profile[1].time')?.message).toMatch(/HH:MM/);
    expect(byPath.get('control.default.kind')?.value).toBe('maxpresure');
    expect(byPath.get('control.colour')?.message).toMatch(/unknown key "colour"/);
    for (const issue of issues) expect(issue.source).toBe(file);
  });

  it('formats a readable message: file:line: path: problem (got value)', () => {
    const doc = parseDocumentText('minGreenS: 4\npassageS: 2\nmaxGreenS: 2\nyellowS: 9\nredClearanceS: 1.05\n', 'phase.yaml');
    try {
      parseWith(PhaseTiming, doc.data, 'phase.yaml', { locate: doc.locate });
      throw new Error('should not validate');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('phase.yaml:4: yellowS: Too big');
      expect(message).toContain('(got 9)');
      expect(message).toContain('phase.yaml:5: redClearanceS: must be a multiple of 0.1 s (got 1.05)');
      expect(message).toContain('phase.yaml:3: maxGreenS: must be at least minGreenS (4) (got 2)');
    }
  });

  it('rejects malformed YAML with the line of the error', () => {
    const issues = issuesOf(() => parseDocumentText('name: x\nseed: [1, 2\n', 'broken.yaml'));
    expect(issues[0]?.source).toBe('broken.yaml');
    expect(issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects duplicate keys instead of silently keeping one', () => {
    expect(() => parseDocumentText('a: 1\na: 2\n', 'dup.yaml')).toThrow(ValidationError);
  });
});

describe('generated JSON Schema', () => {
  it('matches the files in contracts/schemas (run `pnpm schemas` after changing a schema)', () => {
    const dir = join(here, '..', 'schemas');
    const generated = jsonSchemas();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(text);
  });

  it('describes the fields users write', () => {
    const scenario = JSON.parse(jsonSchemas()['scenario.schema.json']!);
    expect(scenario.properties.demand.properties.peakVehiclesPerHour.description).toMatch(/Trips generated per hour/);
    expect(scenario.additionalProperties).toBe(false);
  });
});

describe('generated point map table', () => {
  it('docs/point-map.md matches the point map (run `pnpm gen-docs` after changing it)', async () => {
    const { pointMapMarkdown } = await import('./point-map.ts');
    expect(readFileSync(join(here, '..', '..', 'docs', 'point-map.md'), 'utf8')).toBe(pointMapMarkdown());
  });
});
