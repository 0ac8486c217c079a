/** Attribution written next to the converted default model. */
export function nanodetLicenseText(details: { sourcePackage: string; sourceVersion: string; converterVersion: string }): string {
  return `# NanoDet vehicle detector (nanodet-*.onnx)

This folder holds \`nanodet-416.onnx\`, the default vehicle detector of greenwave, and may hold the same network
converted for other input sizes (\`nanodet-<width>x<height>.onnx\`, e.g. 576x320 for 16:9 cameras).

- **Model**: NanoDet, by RangiLyu and contributors (https://github.com/RangiLyu/nanodet), trained on COCO.
  Licensed under the **Apache License, Version 2.0** (https://www.apache.org/licenses/LICENSE-2.0).
- **Weights**: the TF.js graph model \`models/nanodet.json\` + \`models/nanodet.bin\` (float16-quantised) from the npm
  package \`${details.sourcePackage}\` ${details.sourceVersion} by Vladimir Mandic, published under the **MIT License**.
- **Modified**: converted to ONNX (opset 13, float32 weights dequantised from float16, NHWC layout changed to NCHW,
  convolution biases folded, shape computations evaluated; for other input sizes the upsampling sizes scaled) by greenwave's TF.js to ONNX converter
  (version ${details.converterVersion}). The network's computation is unchanged; its outputs match the TF.js model
  to about 1e-5.

Apache License 2.0, section 4: this notice states that the file was changed; redistributions must keep this
attribution and a copy of the Apache License 2.0.
`;
}
