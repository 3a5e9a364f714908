import { Link, useParams } from 'react-router';
import { AuthFrame, RedeemFailed, RedeemWorking } from '../components/AuthFrame.tsx';
import { useRedeem } from '../components/useRedeem.ts';
import { usePageTitle, useSession } from '../session.tsx';

/** `/verify/:token` from the "confirm your email" message after registering. */
export function VerifyEmailPage() {
  const { token = '' } = useParams();
  const { signInMethods } = useSession();
  const [state, retry] = useRedeem('/auth/verify-email', token, { flash: 'Your email address is confirmed. Welcome!' });
  usePageTitle(state.status === 'invalid' ? 'Link expired' : 'Confirming your email address');

  if (state.status === 'invalid') {
    return (
      <AuthFrame title="This confirmation link has expired or was already used">
        <p className="signin-intro">
          If you already confirmed your address, just sign in.
          {signInMethods.registration !== 'off' && ' Otherwise create your account again to get a new link.'}
        </p>
        <Link to="/" className="btn btn-primary btn-block">
          Go to sign-in
        </Link>
        {signInMethods.registration !== 'off' && (
          <p className="signin-help">
            <Link to="/register">Create an account</Link>
          </p>
        )}
      </AuthFrame>
    );
  }
  if (state.status === 'failed') {
    return <RedeemFailed title="Your email address could not be confirmed" message={state.message} onRetry={retry} />;
  }
  return <RedeemWorking title="Confirming your email address">One moment, we are signing you in…</RedeemWorking>;
}
