/** Where the measured speeds live across reloads. */
export const PASS_SPEEDS_KEY = 'xaiClip.passSpeeds';

/** The storage the speeds survive reloads in (the browser's localStorage). */
export type SpeedStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A model's measured speed on one backend. */
export interface PassSpeed {
  msPerPass: number;
  backend: string;
}

interface StoredSpeeds {
  /** Milliseconds per pass of the latest run, by "model|backend". */
  speeds: Record<string, number>;
  /** The backend each model ran on last: the one its next run most likely gets. */
  lastBackend: Record<string, string>;
}

/**
 * The measured pass speed of each model on each backend (its latest run's perturbation time over
 * its passes), kept in memory and in `storage`, so that the time a run will take can be shown
 * before it starts, from the first run on, reloads included. Without storage (or when the browser
 * refuses it) the speeds last as long as the page.
 */
export class PassSpeeds {
  private readonly known: StoredSpeeds;

  constructor(private readonly storage?: SpeedStorage) {
    this.known = readSpeeds(storage);
  }

  record(model: string, backend: string, passes: number, ms: number): void {
    if (!(passes > 0) || !(ms >= 0)) return; // a run without passes measures nothing
    this.known.speeds[`${model}|${backend}`] = ms / passes;
    this.known.lastBackend[model] = backend;
    try {
      this.storage?.setItem(PASS_SPEEDS_KEY, JSON.stringify(this.known));
    } catch {
      // Storage full or disabled (private windows): the speeds still hold for this page.
    }
  }

  /** The model's speed on `backend`, or on the backend it ran on last when none is named. */
  of(model: string, backend = this.known.lastBackend[model]): PassSpeed | undefined {
    const msPerPass = backend === undefined ? undefined : this.known.speeds[`${model}|${backend}`];
    return msPerPass === undefined ? undefined : { msPerPass, backend };
  }
}

/** The stored speeds; none when there are none or they cannot be read. */
function readSpeeds(storage?: SpeedStorage): StoredSpeeds {
  try {
    const stored = JSON.parse(storage?.getItem(PASS_SPEEDS_KEY) ?? 'null') as StoredSpeeds | null;
    if (stored && typeof stored.speeds === 'object' && typeof stored.lastBackend === 'object') return stored;
  } catch {
    // Unreadable (an older format, edited by hand): measured afresh on the next run.
  }
  return { speeds: {}, lastBackend: {} };
}
