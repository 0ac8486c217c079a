import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelConversionError } from '../errors.ts';
import type { HostTensor } from './host-tensor.ts';
import type { TfjsModelJson } from './tfjs-model-json.ts';
import { decodeWeights } from './tfjs-weights.ts';

export interface TfjsModelFiles {
  json: TfjsModelJson;
  weights: Map<string, HostTensor>;
  /** The files read, model.json first: what a cache checksum should cover. */
  files: string[];
}

/** Reads a TF.js graph model from disk: model.json plus the weight files its manifest names. */
export async function readTfjsModel(jsonPath: string): Promise<TfjsModelFiles> {
  let json: TfjsModelJson;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as TfjsModelJson;
  } catch (error) {
    throw new ModelConversionError(undefined, undefined, `cannot read TF.js model ${jsonPath}: ${(error as Error).message}`, error);
  }
  if (json.format !== undefined && json.format !== 'graph-model') {
    throw new ModelConversionError(undefined, undefined, `${jsonPath} is a TF.js ${json.format}, only graph models convert`);
  }
  if (!Array.isArray(json.modelTopology?.node) || !Array.isArray(json.weightsManifest)) {
    throw new ModelConversionError(undefined, undefined, `${jsonPath} has no modelTopology.node or weightsManifest`);
  }
  const folder = dirname(jsonPath);
  const files = [jsonPath];
  const groups: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const path of group.paths) {
      const file = join(folder, path);
      files.push(file);
      try {
        parts.push(await readFile(file));
      } catch (error) {
        throw new ModelConversionError(undefined, undefined, `cannot read weights file ${file}: ${(error as Error).message}`, error);
      }
    }
    groups.push(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
  }
  return { json, weights: decodeWeights(json.weightsManifest, groups), files };
}
