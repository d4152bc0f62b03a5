// onnxruntime-node builds output tensors with the host realm's typed arrays, which fail
// `instanceof` checks inside jest's sandbox. Sharing the host constructors fixes that.
const { TestEnvironment } = require('jest-environment-node');

class NativeTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'ArrayBuffer',
      'Uint8Array',
      'Int8Array',
      'Uint16Array',
      'Int16Array',
      'Uint32Array',
      'Int32Array',
      'Float32Array',
      'Float64Array',
      'BigInt64Array',
      'BigUint64Array',
      'Uint8ClampedArray',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = NativeTypedArrayEnvironment;
