import { fallbackSummary } from '../../extension/src/panel/BackendLine';

describe('fallbackSummary: why a backend was skipped, in one line', () => {
  it("names the skipped backend and the first sentence of onnxruntime's reason", () => {
    expect(
      fallbackSummary(
        'webgpu: no available backend found. ERR: [webgpu] Error: Failed to get GPU adapter. You may need to enable flag "--enable-unsafe-webgpu" if you are using Chrome.',
      ),
    ).toBe('Fallback: WebGPU unavailable (no available backend found)');
  });

  it('keeps a long first sentence to 80 characters', () => {
    const line = fallbackSummary(`webgpu: ${'the adapter refused the device for a reason '.repeat(4)}`);
    expect(line.length).toBe(80);
    expect(line).toMatch(/^Fallback: WebGPU unavailable \(the adapter refused .*…$/);
  });
});
