/** What a DICOMweb server answered to a stored instance. */
export interface StoreResult {
  /** The STOW-RS URL posted to. */
  url: string;
  status: number;
  /** The stored instance's RetrieveURL (00081190), when the server gives one. */
  retrieveUrl?: string;
}

export interface StoreOptions {
  /** Default: the global fetch (browser or Node 18+). */
  fetch?: typeof fetch;
  /** Extra request headers, e.g. Authorization. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * The series the instance refers to. When given, the server is first asked (QIDO-RS) whether it
   * holds it, and the store is refused if not: a SEG without its images cannot be displayed.
   */
  referencedSeries?: { StudyInstanceUID: string; SeriesInstanceUID: string };
  /** What the instance is, in the error messages (default "SEG"; e.g. "Parametric Map"). */
  what?: string;
}

type Json = Record<string, { Value?: unknown[] } | undefined>;

/**
 * Stores one DICOM Part 10 instance (e.g. a SEG) with STOW-RS: `POST {root}/studies`,
 * multipart/related; type="application/dicom". Uses only `fetch`, so the viewer can call it as
 * the CLI does. Every failure is one Error that says what happened and what to check: server not
 * reachable, source series missing, HTTP error (with the server's words), or a store response
 * that lists the instance as failed.
 *
 * @param root DICOMweb root URL, e.g. http://localhost:8042/dicom-web
 * @param instance the Part 10 bytes (with the 128-byte preamble and DICM marker)
 */
export async function storeToDicomWeb(
  root: string,
  instance: ArrayBuffer | Uint8Array,
  options: StoreOptions = {},
): Promise<StoreResult> {
  const what = options.what ?? 'SEG';
  const doFetch = options.fetch ?? globalThis.fetch;
  const base = root.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) {
    throw new Error(
      `"${root}" is not a DICOMweb root URL; give one such as http://localhost:8042/dicom-web.`,
    );
  }
  const request = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await doFetch(url, { ...init, signal: options.signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new Error(
        `Cannot reach the DICOMweb server at ${base} (${networkReason(error)}). ` +
          'Check that the PACS is running and that the URL is right.',
      );
    }
  };

  if (options.referencedSeries) {
    const { StudyInstanceUID: study, SeriesInstanceUID: series } = options.referencedSeries;
    const url = `${base}/studies/${encodeURIComponent(study)}/series?SeriesInstanceUID=${encodeURIComponent(series)}`;
    const response = await request(url, {
      headers: { Accept: 'application/dicom+json', ...options.headers },
    });
    if (!response.ok && response.status !== 404)
      throw await httpError('did not answer the query', url, response);
    const found = response.status === 200 ? ((await response.json().catch(() => [])) as Json[]) : [];
    if (!Array.isArray(found) || found.length === 0) {
      throw new Error(
        `The DICOMweb server at ${base} does not hold the source series ${series} (study ${study}), so a SEG ` +
          'stored there could not be shown over its images. Store the source series there first.',
      );
    }
  }

  const bytes = instance instanceof Uint8Array ? instance : new Uint8Array(instance);
  const boundary = `xai-clip-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  // A Blob of the parts, not one copied buffer: a Parametric Map of a CT is ~80 MB, and browsers
  // upload a Blob without another copy (nor hand it to DevTools' request events).
  const body = new Blob([
    `--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`,
    bytes as Uint8Array<ArrayBuffer>,
    `\r\n--${boundary}--\r\n`,
  ]);

  const url = `${base}/studies`;
  const response = await request(url, {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      Accept: 'application/dicom+json',
      ...options.headers,
    },
    body,
  });
  if (!response.ok) throw await httpError(`rejected the ${what}`, url, response);
  const answer = (await response.json().catch(() => ({}))) as Json;
  const failed = answer['00081198']?.Value as Json[] | undefined;
  if (failed?.length) {
    const reason = failed[0]['00081197']?.Value?.[0];
    throw new Error(
      `The DICOMweb server at ${base} refused to store the ${what} (failure reason ${reason ?? 'not given'}` +
        `${reason !== undefined ? `, 0x${Number(reason).toString(16).toUpperCase()}` : ''}). Check its log.`,
    );
  }
  const stored = answer['00081199']?.Value as Json[] | undefined;
  const retrieveUrl = (stored?.[0]?.['00081190']?.Value?.[0] ?? answer['00081190']?.Value?.[0]) as
    string | undefined;
  return { url, status: response.status, ...(retrieveUrl ? { retrieveUrl } : {}) };
}

/** Why a fetch failed, in words (Node puts the socket error in `cause`, browsers say little). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  if (cause?.code) return cause.code;
  return cause?.message ?? (error as Error).message;
}

/** One sentence for an HTTP error, with a hint for the usual causes and the server's own words. */
async function httpError(what: string, url: string, response: Response): Promise<Error> {
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  const hints: Record<number, string> = {
    400: 'The server could not parse the request.',
    401: 'The server needs credentials.',
    403: 'The server does not allow storing here.',
    404: 'Check that the URL is the DICOMweb root (e.g. http://localhost:8042/dicom-web).',
    405: 'Check that the URL is the DICOMweb root (e.g. http://localhost:8042/dicom-web).',
    409: 'The server refused the instance (it may already hold a different one with the same UID).',
    413: 'The instance is too large for the server.',
    415: 'The server does not accept multipart/related DICOM at this URL.',
    502: 'The proxy in front of the PACS could not reach it; check that the PACS is running.',
    503: 'The PACS is not available right now; check that it is running.',
  };
  return new Error(
    `The DICOMweb server ${what}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} ` +
      `from ${url}.${hints[response.status] ? ` ${hints[response.status]}` : ''}` +
      (text ? ` Server said: ${text.slice(0, 200)}` : ''),
  );
}
