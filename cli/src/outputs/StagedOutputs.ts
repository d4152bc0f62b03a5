import * as fs from 'fs';
import * as path from 'path';
import { temporaryNameOf } from '@xai-clip/io';

/** Every stage not yet committed or discarded, so that an interrupt can clear their files. */
const open = new Set<StagedOutputs>();

/**
 * The output files of one run, written under temporary names beside their final ones and renamed
 * into place together only once the whole run has succeeded (`commit`, in the order staged, so the
 * file staged last, report.json, marks a finished case). A failed run `discard`s them: the earlier
 * results stay as they were and no temporary file is left.
 */
export class StagedOutputs {
  private readonly staged = new Map<string, string>();

  /** The temporary path to write `file` under until the commit; creates its folder. */
  pathFor(file: string): string {
    const temporary = temporaryNameOf(file);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.staged.set(file, temporary);
    open.add(this);
    return temporary;
  }

  async write(file: string, bytes: string | Uint8Array): Promise<void> {
    await fs.promises.writeFile(this.pathFor(file), bytes);
  }

  /** Renames every staged file into place. */
  commit(): void {
    for (const [file, temporary] of this.staged) fs.renameSync(temporary, file);
    this.staged.clear();
    open.delete(this);
  }

  /** Removes every staged file; the final files are left as they were. */
  discard(): void {
    for (const temporary of this.staged.values()) fs.rmSync(temporary, { force: true });
    this.staged.clear();
    open.delete(this);
  }

  /** On an interrupt: discards every open stage of this process. */
  static discardAll(): void {
    for (const stage of [...open]) stage.discard();
  }
}
