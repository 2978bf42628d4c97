import { useEffect, useState } from 'react';
import { rca } from '../api/sidecarClient';
import type { RcaRequest, RcaResponse } from '../api/types';
import { describeError } from '../utils/errors';

export interface RcaState {
  /** True while the latest request is in flight. */
  loading: boolean;
  /** Answer of the latest request, if it succeeded. */
  response?: RcaResponse;
  /** Message of the latest failure. */
  error?: string;
}

interface Settled {
  key: string;
  response?: RcaResponse;
  error?: string;
}

/**
 * Runs `POST /api/v1/rca` whenever the request's content changes (panels re-render with equal but new
 * objects, so the key is the request's JSON); answers to older requests are ignored.
 */
export function useRca(request: RcaRequest | undefined): RcaState {
  const key = request ? JSON.stringify(request) : '';
  const [settled, setSettled] = useState<Settled>();

  useEffect(() => {
    if (!key) {
      return;
    }
    let cancelled = false;
    rca(JSON.parse(key) as RcaRequest).then(
      (response) => !cancelled && setSettled({ key, response }),
      (err: unknown) => !cancelled && setSettled({ key, error: describeError(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [key]);

  if (!key) {
    return { loading: false };
  }
  if (settled?.key !== key) {
    return { loading: true };
  }
  return {
    loading: false,
    ...(settled.response ? { response: settled.response } : {}),
    ...(settled.error ? { error: settled.error } : {}),
  };
}
