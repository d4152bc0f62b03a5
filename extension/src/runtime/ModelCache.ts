/** Something a cache may hold and must release when it lets go of it. */
export interface Disposable {
  dispose(): Promise<void>;
}

/**
 * Loaded models by key, least recently used first out: at most `capacity` stay loaded, and a
 * model is released (its sessions' native, WASM or GPU memory) once evicted and no longer in use.
 * A failed load is forgotten, so the next request tries again.
 */
export class ModelCache<T extends Disposable> {
  private readonly entries = new Map<string, { model: Promise<T>; users: number; evicted: boolean }>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`A model cache holds at least one model, got ${capacity}.`);
  }

  /** Runs `use` with the model for `key` (loaded by `load` when absent), holding it loaded meanwhile. */
  async with<R>(key: string, load: () => Promise<T>, use: (model: T) => Promise<R>): Promise<R> {
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      entry = { model: load(), users: 0, evicted: false };
      const failed = entry;
      entry.model.catch(() => this.entries.get(key) === failed && this.entries.delete(key));
    }
    this.entries.set(key, entry); // most recently used last
    entry.users += 1;
    this.evictBeyondCapacity();
    try {
      return await use(await entry.model);
    } finally {
      entry.users -= 1;
      if (entry.evicted && entry.users === 0) await release(entry.model);
    }
  }

  /** Keys of the models held, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private evictBeyondCapacity(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.users === 0) void release(entry.model);
    }
  }
}

async function release<T extends Disposable>(model: Promise<T>): Promise<void> {
  const loaded = await model.catch(() => undefined);
  await loaded?.dispose();
}
