import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { SignInResult } from '../../../contracts/auth.ts';
import { api } from '../../ui/api.ts';
import { AuthFrame } from '../components/AuthFrame.tsx';
import { NewPasswordForm } from '../components/NewPasswordForm.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** `/welcome/:token` from an invitation email: set a password, and the account is ready. */
export function WelcomePage() {
  const { token = '' } = useParams();
  const { workspace, signInMethods, base, finishSignIn } = useSession();
  const [invalid, setInvalid] = useState(false);
  usePageTitle(invalid ? 'Invitation expired' : 'Welcome');

  if (invalid) {
    return (
      <AuthFrame title="This invitation has expired or was already used">
        <p className="signin-intro">
          If you already set your password, sign in. Otherwise ask the person who invited you to send a new invitation.
        </p>
        <Link to="/" className="btn btn-primary btn-block">
          Go to sign-in
        </Link>
        {signInMethods.password && (
          <p className="signin-help">
            <Link to="/forgot-password">Forgot your password?</Link>
          </p>
        )}
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title="Welcome" intro={`Set a password to finish setting up your account with ${workspace.name}.`}>
      <NewPasswordForm
        idPrefix="welcome"
        submitLabel="Set password and continue"
        busyLabel="Setting up your account…"
        onInvalidLink={() => setInvalid(true)}
        submit={async (password) => {
          const result = await api<SignInResult>(`${base}/api/auth/accept-invitation`, {
            method: 'POST',
            body: { token, password },
          });
          await finishSignIn(result, { flash: 'Your account is ready. Welcome!' });
        }}
      />
    </AuthFrame>
  );
}
