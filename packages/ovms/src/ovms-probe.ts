/**
 * Health probes (`/v2/health/live`, `/v2/health/ready`, `/v2/models/{m}/ready`) answer with a status and no
 * body: 200 yes, 4xx or 503 no. A probe reports the state now, so it is sent once (no retry) and a "no"
 * resolves to false; transport failures, other 5xx and an open breaker still throw.
 */
import { AccelerateError, type Backend, type RequestOptions } from '@ipfs-accelerate/core';

/** Whether a probe's error response means "not live/ready" (a 4xx or 503), rather than a failure. */
export function isNegativeProbe(error: unknown, notFoundThrows: boolean): boolean {
  if (!AccelerateError.isInstance(error) || error.status === undefined) return false;
  if (error.status === 404 && notFoundThrows) return false;
  return (error.status >= 400 && error.status < 500) || error.status === 503;
}

/**
 * Runs one probe. With `notFoundThrows` (model readiness) a 404, the model or version missing, throws the
 * NotFoundError instead of answering false, so a typo in a model name does not look like "loading".
 */
export async function probe(
  backend: Backend,
  operation: string,
  path: string,
  options: RequestOptions | undefined,
  notFoundThrows = false,
): Promise<boolean> {
  try {
    return await backend.call(
      {
        operation,
        method: 'GET',
        path,
        retry: false,
        parse: async (response) => {
          await response.body.bytes(); // a tiny body; read so the connection is reused
          return true;
        },
      },
      options,
    );
  } catch (error) {
    if (isNegativeProbe(error, notFoundThrows)) return false;
    throw error;
  }
}
