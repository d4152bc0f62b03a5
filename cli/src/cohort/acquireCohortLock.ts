import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes the lock file `name` in the cohort's output folder, so that two runs never write the same
 * cases at once: a lock held by a live process stops this run and says who holds it; a lock left
 * by a process that is gone (killed) is taken over, with a note. A lock from another machine cannot
 * be checked, so it stops the run and says how to clear it. Returns the function that releases it.
 */
export function acquireCohortLock(out: string, name: string, log: (line: string) => void): () => void {
  const file = path.join(out, name);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  try {
    fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = readOwner(file);
    if (owner && (owner.host !== me.host || isAlive(owner.pid))) {
      throw new Error(
        `Another xai-clip run (PID ${owner.pid} on ${owner.host}, since ${owner.started}) is writing to ${out}. ` +
          `Wait for it to finish, or give this run another --out. If no such run exists, delete ${file}.`,
      );
    }
    log(
      `A stale lock from an earlier run (PID ${owner?.pid ?? 'unknown'}, no longer running) was left in ${out}; taking it over.`,
    );
    fs.writeFileSync(file, JSON.stringify(me));
  }
  const release = () => {
    process.removeListener('exit', release);
    if (readOwner(file)?.pid === me.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release); // also when an interrupt ends the process
  return release;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // unreadable or half written: nobody can be holding it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
