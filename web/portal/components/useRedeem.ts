import { useEffect, useState } from 'react';
import type { SignInResult } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { messageOf } from './forms.tsx';
import { once, useSession } from '../session.tsx';

export type Redeem = { status: 'working' } | { status: 'invalid' } | { status: 'failed'; message: string };

/**
 * POSTs a link's token as soon as the page opens (link scanners only GET the page, so the
 * POST is what counts), then continues into the signed-in app. Runs once per token.
 */
export function useRedeem(path: string, token: string, opts: { flash?: string } = {}): [Redeem, () => void] {
  const { base, finishSignIn } = useSession();
  const [state, setState] = useState<Redeem>({ status: 'working' });
  const [attempt, setAttempt] = useState(0);
  const flash = opts.flash;

  useEffect(() => {
    let current = true;
    setState({ status: 'working' });
    once(`${path}:${token}:${attempt}`, () => api<SignInResult>(`${base}/api${path}`, { method: 'POST', body: { token } }))
      .then((result) => (current ? finishSignIn(result, { flash }) : undefined))
      .catch((e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && (e.code === 'invalid_link' || e.code === 'validation_failed')) setState({ status: 'invalid' });
        else setState({ status: 'failed', message: messageOf(e) });
      });
    return () => {
      current = false;
    };
  }, [base, path, token, attempt, flash, finishSignIn]);

  return [state, () => setAttempt((a) => a + 1)];
}
