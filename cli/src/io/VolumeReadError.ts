/**
 * An input image or mask the readers refuse: the message names the file, says what is wrong and what
 * to do, in the project's words. Anything unexpected a library threw is kept as `cause`.
 */
export class VolumeReadError extends Error {
  constructor(
    /** The file or folder that could not be read. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VolumeReadError';
  }
}
