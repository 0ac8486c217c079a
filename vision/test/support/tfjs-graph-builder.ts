import type { TfAttrValue, TfjsModelJson, TfjsWeightEntry, TfNodeJson } from '../../src/model/tfjs-model-json.ts';

/** Builds small TF.js graph models in memory, the way tensorflowjs_converter writes them. */
export class TfjsGraphBuilder {
  private readonly nodes: TfNodeJson[] = [];
  private readonly weights: TfjsWeightEntry[] = [];
  private readonly chunks: Uint8Array[] = [];

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } } });
    return name;
  }

  /** A float constant, stored float16-quantised when `float16` is set (as the NanoDet weights are). */
  floatConst(name: string, shape: number[], values: ArrayLike<number>, float16 = false): string {
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT' } } } });
    if (float16) {
      this.weights.push({ name, shape, dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } });
      this.chunks.push(toFloat16Bytes(values));
    } else {
      this.weights.push({ name, shape, dtype: 'float32' });
      this.chunks.push(new Uint8Array(Float32Array.from(values).buffer));
    }
    return name;
  }

  intConst(name: string, shape: number[], values: number[]): string {
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32' } } } });
    this.weights.push({ name, shape, dtype: 'int32' });
    this.chunks.push(new Uint8Array(Int32Array.from(values).buffer));
    return name;
  }

  op(name: string, op: string, inputs: string[], attr: Record<string, TfAttrValue> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }

  build(outputs: Array<{ name: string; shape: number[] }>): { json: TfjsModelJson; bin: Uint8Array } {
    const json: TfjsModelJson = {
      format: 'graph-model',
      generatedBy: 'greenwave test',
      convertedBy: null,
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['weights.bin'], weights: this.weights }],
      signature: {
        outputs: Object.fromEntries(
          outputs.map((output) => [`${output.name}:0`, { name: `${output.name}:0`, dtype: 'DT_FLOAT', tensorShape: { dim: output.shape.map((size) => ({ size: String(size) })) } }]),
        ),
      },
    };
    return { json, bin: Buffer.concat(this.chunks) };
  }
}

export const attr = {
  ints: (values: number[]): TfAttrValue => ({ list: { i: values.map(String) } }),
  string: (value: string): TfAttrValue => ({ s: Buffer.from(value, 'utf8').toString('base64') }),
  float: (value: number): TfAttrValue => ({ f: value }),
  bool: (value: boolean): TfAttrValue => ({ b: value }),
  int: (value: number): TfAttrValue => ({ i: String(value) }),
  type: (value: string): TfAttrValue => ({ type: value }),
};

function toFloat16Bytes(values: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  for (let index = 0; index < values.length; index += 1) view.setUint16(index * 2, toFloat16Bits(values[index] as number), true);
  return new Uint8Array(view.buffer);
}

/** Round-to-nearest float32 -> float16 for normal-range values (enough for test weights). */
function toFloat16Bits(value: number): number {
  if (value === 0) return 0;
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  let exponent = Math.floor(Math.log2(magnitude));
  let mantissa = Math.round((magnitude / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent += 1;
  }
  if (exponent < -14) return sign | Math.round(magnitude / 2 ** -24);
  return sign | ((exponent + 15) << 10) | mantissa;
}
