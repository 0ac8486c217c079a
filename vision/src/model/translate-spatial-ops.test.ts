import { describe, expect, it } from 'vitest';
import { ModelConversionError } from '../errors.ts';
import { TfNode } from './tf-node.ts';
import { hwioToOihw, spatialPadding } from './translate-spatial-ops.ts';

const node = new TfNode({ name: 'conv', op: 'Conv2D' });
const window = { inputSize: [7, 8] as [number, number], kernel: [3, 3] as [number, number], strides: [2, 2] as [number, number], dilations: [1, 1] as [number, number], explicitPairs: undefined };

describe('TF padding to ONNX pads', () => {
  it('SAME puts the odd extra row or column at the end, as TF does', () => {
    // height 7, stride 2: out 4, total (4-1)*2+3-7 = 2 -> 1/1; width 8: out 4, total (4-1)*2+3-8 = 1 -> 0 before, 1 after
    expect(spatialPadding(node, { ...window, padding: 'SAME' })).toEqual({ pads: [1, 0, 1, 1], outputSize: [4, 4] });
  });

  it('VALID pads nothing and counts dilation in the kernel extent', () => {
    expect(spatialPadding(node, { ...window, padding: 'VALID', strides: [1, 1], dilations: [2, 2] })).toEqual({ pads: [0, 0, 0, 0], outputSize: [3, 4] });
  });

  it('EXPLICIT takes [top, bottom], [left, right] pairs into ONNX [top, left, bottom, right]', () => {
    expect(spatialPadding(node, { ...window, padding: 'EXPLICIT', strides: [1, 1], explicitPairs: [[1, 2], [3, 0]] })).toEqual({ pads: [1, 3, 2, 0], outputSize: [8, 9] });
  });

  it('names the node when the padding is unknown or the output would be empty', () => {
    expect(() => spatialPadding(node, { ...window, padding: 'REFLECT' })).toThrow(ModelConversionError);
    expect(() => spatialPadding(node, { ...window, padding: 'VALID', kernel: [9, 9] })).toThrow(/node "conv" \(op Conv2D\).*output would be empty/);
  });
});

describe('filter layout', () => {
  it('moves HWIO weights to OIHW', () => {
    // value encodes its HWIO position as h*1000 + w*100 + i*10 + o
    const [height, width, inputs, outputs] = [2, 3, 2, 4];
    const data = new Float32Array(height * width * inputs * outputs);
    for (let h = 0; h < height; h += 1)
      for (let w = 0; w < width; w += 1)
        for (let i = 0; i < inputs; i += 1) for (let o = 0; o < outputs; o += 1) data[((h * width + w) * inputs + i) * outputs + o] = h * 1000 + w * 100 + i * 10 + o;
    const oihw = hwioToOihw({ dtype: 'float32', shape: [height, width, inputs, outputs], data });
    expect(oihw.shape).toEqual([outputs, inputs, height, width]);
    // element [o=3, i=1, h=1, w=2]
    expect(oihw.data[((3 * inputs + 1) * height + 1) * width + 2]).toBe(1000 + 200 + 10 + 3);
  });
});
