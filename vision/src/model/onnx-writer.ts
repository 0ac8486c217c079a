import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { HostTensor } from './host-tensor.ts';
import type { OnnxAttribute, OnnxGraph, OnnxValueInfo } from './onnx-graph.ts';

/** ONNX IR version 7 is the one that goes with opset 13. */
export const ONNX_IR_VERSION = 7;

export interface OnnxModelInfo {
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

// TensorProto.DataType
const dataTypeCodes = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 } as const;
// AttributeProto.AttributeType
const attributeTypeCodes = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

let modelType: protobuf.Type | undefined;

function onnxModelType(): protobuf.Type {
  if (modelType === undefined) {
    const root = protobuf.loadSync(fileURLToPath(new URL('./onnx-subset.proto', import.meta.url)));
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Serialises the graph as an ONNX ModelProto (weights inline as raw little-endian data). */
export function encodeOnnxModel(graph: OnnxGraph, info: OnnxModelInfo): Uint8Array {
  if (endianness() !== 'LE') throw new Error('the ONNX writer stores raw tensor data little-endian and needs a little-endian host');
  const message = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: info.opsetVersion }],
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    docString: info.docString ?? '',
    metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: node.attributes.map(encodeAttribute),
      })),
      initializer: [...graph.initializers].map(([name, tensor]) => encodeTensor(name, tensor)),
      input: graph.inputs.map(encodeValueInfo),
      output: graph.outputs.map(encodeValueInfo),
    },
  };
  const type = onnxModelType();
  const problem = type.verify(message);
  if (problem !== null) throw new Error(`ONNX model message is malformed: ${problem}`);
  return type.encode(type.fromObject(message)).finish();
}

function encodeAttribute(attribute: OnnxAttribute): Record<string, unknown> {
  const base = { name: attribute.name, type: attributeTypeCodes[attribute.kind] };
  switch (attribute.kind) {
    case 'int':
      return { ...base, i: attribute.value };
    case 'ints':
      return { ...base, ints: attribute.value };
    case 'float':
      return { ...base, f: attribute.value };
    case 'floats':
      return { ...base, floats: attribute.value };
    case 'string':
      return { ...base, s: Buffer.from(attribute.value, 'utf8') };
  }
}

function encodeTensor(name: string, tensor: HostTensor): Record<string, unknown> {
  return { name, dims: [...tensor.shape], dataType: dataTypeCodes[tensor.dtype], rawData: rawBytes(tensor) };
}

function rawBytes(tensor: HostTensor): Uint8Array {
  switch (tensor.dtype) {
    case 'float32':
      return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    case 'int32': {
      const values = Int32Array.from(tensor.data);
      return new Uint8Array(values.buffer);
    }
    case 'int64': {
      const values = BigInt64Array.from(tensor.data, (value) => BigInt(value));
      return new Uint8Array(values.buffer);
    }
    case 'bool':
    case 'uint8':
      return tensor.data;
    case 'int8':
      return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  }
}

function encodeValueInfo(info: OnnxValueInfo): Record<string, unknown> {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: dataTypeCodes[info.elementType],
        shape: { dim: info.shape.map((dimension) => (typeof dimension === 'number' ? { dimValue: dimension } : { dimParam: dimension })) },
      },
    },
  };
}
