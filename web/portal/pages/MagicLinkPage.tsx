import { Link, useParams } from 'react-router';
import { AuthFrame, MagicLinkSent, RedeemFailed, RedeemWorking } from '../components/AuthFrame.tsx';
import { LinkRequestForm, useLinkRequest } from '../components/LinkRequestForm.tsx';
import { useRedeem } from '../components/useRedeem.ts';
import { usePageTitle } from '../session.tsx';

/** `/magic/:token` from a sign-in link email: signs in on arrival, or offers a new link. */
export function MagicLinkPage() {
  const { token = '' } = useParams();
  const [state, retry] = useRedeem('/auth/magic-link/redeem', token);
  usePageTitle(state.status === 'invalid' ? 'Link expired' : 'Signing you in');

  if (state.status === 'invalid') {
    return (
      <AuthFrame title="This sign-in link has expired or was already used">
        <p className="signin-intro">Each link works once. Enter your email address and we will send you a new one.</p>
        <NewLinkForm />
      </AuthFrame>
    );
  }
  if (state.status === 'failed') {
    return (
      <RedeemFailed title="Signing in did not work" message={state.message} onRetry={retry}>
        <p className="signin-help">
          <Link to="/">Back to sign-in</Link>
        </p>
      </RedeemFailed>
    );
  }
  return <RedeemWorking title="Signing you in">One moment…</RedeemWorking>;
}

function NewLinkForm() {
  const request = useLinkRequest('magic-link');

  if (request.sentTo) return <MagicLinkSent email={request.sentTo} onReset={request.reset} />;
  return (
    <>
      <LinkRequestForm request={request} id="magic-email" formLabel="Email me a new sign-in link" submitLabel="Email me a link" />
      <p className="signin-help">
        <Link to="/">Back to sign-in</Link>
      </p>
    </>
  );
}
