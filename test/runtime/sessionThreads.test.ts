import * as os from 'os';
import { sessionThreads } from '../../cli/src/io/sessionThreads';
import { createSession } from '../../extension/src/runtime/ort/createSession';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';

describe('ONNX Runtime threads', () => {
  const fakeOrt = () => {
    const seen: object[] = [];
    const ort = {
      InferenceSession: {
        create: async (_model: Uint8Array, options: object) => {
          seen.push(options);
          return {};
        },
      },
    } as unknown as OrtModule;
    return { ort, seen };
  };

  it('createSession sets intraOpNumThreads when given, and leaves ONNX Runtime’s default otherwise', async () => {
    const { ort, seen } = fakeOrt();
    await createSession(ort, new Uint8Array(1), ['cpu'], 'model', 3);
    await createSession(ort, new Uint8Array(1), ['cpu'], 'model');
    expect(seen[0]).toMatchObject({ intraOpNumThreads: 3 });
    expect(seen[1]).not.toHaveProperty('intraOpNumThreads');
  });

  it('the CLI leaves one core to the engine, and runs at least one thread', () => {
    expect(sessionThreads()).toBe(Math.max(1, os.availableParallelism() - 1));
    expect([1, 2, 16].map(sessionThreads)).toEqual([1, 1, 15]);
  });
});
