import React from 'react';
import { Details } from './Details';

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
      {fallbackReason && (
        <div style={{ color: '#9fb2c8', fontSize: 11 }}>
          <Details summary={fallbackSummary(fallbackReason)} details={fallbackReason} dataCy="xai-fallback" />
        </div>
      )}
    </div>
  );
}

/** The fallback in one line: which backend was skipped and its first reason, at most 80 characters. */
export function fallbackSummary(reason: string): string {
  const [backend, ...rest] = reason.split(':');
  const why =
    rest
      .join(':')
      .trim()
      .split(/(?<=[.!?])\s/)[0] ?? '';
  const line = `Fallback: ${BACKEND_NAMES[backend.trim()] ?? backend.trim()} unavailable${why ? ` (${why.replace(/[.]$/, '')})` : ''}`;
  return line.length <= 80 ? line : `${line.slice(0, 79)}…`;
}
