/** The shape of a TF.js graph model (`model.json`) as written by tensorflowjs_converter; only what the converter reads. */

export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: { node: TfNodeJson[]; library?: { function?: unknown[] }; versions?: Record<string, unknown> };
  weightsManifest: TfjsWeightsGroup[];
  signature?: { inputs?: Record<string, TfTensorInfoJson>; outputs?: Record<string, TfTensorInfoJson> };
}

export interface TfNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
  device?: string;
}

export interface TfShapeJson {
  dim?: Array<{ size?: string | number }>;
  unknownRank?: boolean;
}

export interface TfAttrValue {
  i?: string | number;
  f?: number;
  s?: string;
  b?: boolean;
  type?: string;
  shape?: TfShapeJson;
  tensor?: { dtype?: string; tensorShape?: TfShapeJson };
  list?: { i?: Array<string | number>; f?: number[]; s?: string[]; b?: boolean[]; type?: string[]; shape?: TfShapeJson[] };
}

export interface TfTensorInfoJson {
  name: string;
  dtype?: string;
  tensorShape?: TfShapeJson;
}

export interface TfjsWeightsGroup {
  /** Weight files of this group, relative to model.json; their bytes are concatenated in this order. */
  paths: string[];
  weights: TfjsWeightEntry[];
}

export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

export function shapeFromJson(shape: TfShapeJson | undefined): number[] | undefined {
  if (shape === undefined || shape.unknownRank === true) return undefined;
  // proto3 JSON leaves zero values out: a dimension without `size` has size 0 (unknown ones are -1)
  return (shape.dim ?? []).map((dimension) => (dimension.size === undefined ? 0 : Number(dimension.size)));
}
