import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { SignInResult } from '../../../contracts/auth.ts';
import { api } from '../../ui/api.ts';
import { AuthFrame } from '../components/AuthFrame.tsx';
import { NewPasswordForm } from '../components/NewPasswordForm.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** `/reset/:token` from the "forgot your password" email: choose a new one, then you are signed in. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const { base, finishSignIn } = useSession();
  const [invalid, setInvalid] = useState(false);
  usePageTitle(invalid ? 'Link expired' : 'Choose a new password');

  if (invalid) {
    return (
      <AuthFrame title="This link has expired or was already used">
        <p className="signin-intro">
          Links to choose a new password work once and for 1 hour. Ask for a new one and use the newest email.
        </p>
        <Link to="/forgot-password" className="btn btn-primary btn-block">
          Send me a new link
        </Link>
        <p className="signin-help">
          <Link to="/">Back to sign-in</Link>
        </p>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title="Choose a new password" intro="After this you are signed in, and signed out on every other device.">
      <NewPasswordForm
        idPrefix="reset"
        submitLabel="Save password and sign in"
        busyLabel="Saving…"
        onInvalidLink={() => setInvalid(true)}
        submit={async (password) => {
          const result = await api<SignInResult>(`${base}/api/auth/reset-password`, {
            method: 'POST',
            body: { token, password },
          });
          await finishSignIn(result, { flash: 'Your new password is saved. You are signed in.' });
        }}
      />
    </AuthFrame>
  );
}
