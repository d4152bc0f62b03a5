import React from 'react';

const BACKEND_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WASM' };

/** Which ONNX Runtime backend ran the model, and why an earlier one did not. */
export function BackendLine({
  backend,
  fallbackReason,
  threads,
}: {
  backend: string;
  fallbackReason?: string;
  threads?: number;
}): React.JSX.Element {
  return (
    <div data-cy="xai-backend" style={{ marginTop: 10, fontSize: 12 }}>
      Backend: <b>{BACKEND_NAMES[backend] ?? backend}</b>
      {threads !== undefined && ` (${threads} WASM thread${threads === 1 ? '' : 's'})`}
      {fallbackReason && <div style={{ color: '#9fb2c8', fontSize: 11 }}>Fallback: {fallbackReason}</div>}
    </div>
  );
}
