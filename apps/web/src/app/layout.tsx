import { NavLink, Outlet, useLocation, useSearchParams } from 'react-router-dom';
import { Alert, Button, Loading } from '@sms-seq/ui';
import { errorMessage } from '../api/api-client';
import { useLogout, useSession } from '../api/use-session';
import { SignIn } from '../features/connect/sign-in';
import { oauthErrorSentence } from './oauth-error';

/** The frame of every screen: navigation, the account, and the signed-out and broken states. */
export function Layout() {
  const session = useSession();
  const logout = useLogout();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const oauthError = params.get('error');
  const dismissOauthError = () => {
    const next = new URLSearchParams(params);
    for (const key of ['error', 'description', 'error_description']) next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/" className="app-brand">
          <span className="app-brand__mark" aria-hidden="true">
            ✉
          </span>
          SMS Sequences
        </NavLink>
        {session.data ? (
          <>
            <nav aria-label="Main" className="app-nav">
              <NavLink to="/" end>
                Tools
              </NavLink>
              <NavLink to="/conversations">Conversations</NavLink>
              <NavLink to="/opt-outs">Opt-outs</NavLink>
              <NavLink to="/connect">Connections</NavLink>
            </nav>
            <div className="app-account">
              <span title={session.data.account.keapAppName}>{session.data.account.name}</span>
              <Button
                size="small"
                variant="ghost"
                busy={logout.isPending}
                onClick={() => logout.mutate()}
              >
                Sign out
              </Button>
            </div>
          </>
        ) : null}
      </header>
      <main id="main" className="app-main">
        {logout.isError ? (
          // The session is still open (the server never ended it): say so, and keep the way out.
          <Alert
            tone="danger"
            title="You are still signed in"
            actions={
              <>
                <Button onClick={() => logout.mutate()}>Try again</Button>
                <Button variant="ghost" onClick={() => logout.reset()}>
                  Dismiss
                </Button>
              </>
            }
          >
            Signing out did not finish: {errorMessage(logout.error)}
          </Alert>
        ) : null}
        {oauthError ? (
          <Alert
            tone="danger"
            title="Keap sign-in did not finish"
            actions={
              <Button size="small" variant="ghost" onClick={dismissOauthError}>
                Dismiss
              </Button>
            }
          >
            {oauthErrorSentence(
              oauthError,
              params.get('error_description') ?? params.get('description'),
            )}
          </Alert>
        ) : null}
        {session.isPending ? (
          <Loading label="Loading your account…" />
        ) : session.isError ? (
          <Alert
            tone="danger"
            title="The console cannot reach the server"
            actions={<Button onClick={() => void session.refetch()}>Try again</Button>}
          >
            {errorMessage(session.error)}
          </Alert>
        ) : session.data === null ? (
          <SignIn />
        ) : (
          <>
            {session.data.account.status === 'disconnected' ? (
              <Alert
                tone="danger"
                title="Your Keap account is disconnected"
                actions={
                  <a className="ui-button ui-button--primary" href="/api/keap/connect">
                    Reconnect Keap
                  </a>
                }
              >
                {session.data.account.statusReason ?? 'Keap no longer accepts this app’s access.'}{' '}
                Sequences cannot tag or find contacts until you reconnect.
              </Alert>
            ) : null}
            {session.data.twilio.status === 'rejected' && location.pathname !== '/connect' ? (
              <Alert
                tone="danger"
                title="Twilio rejected your credentials"
                actions={
                  <NavLink className="ui-button ui-button--primary" to="/connect">
                    Change credentials
                  </NavLink>
                }
              >
                {session.data.twilio.statusReason ??
                  'Twilio no longer accepts the saved credentials.'}
              </Alert>
            ) : null}
            {!session.data.twilio.connected && location.pathname !== '/connect' ? (
              <Alert
                tone="warning"
                title="Twilio is not connected"
                actions={
                  <NavLink className="ui-button ui-button--secondary" to="/connect">
                    Connect Twilio
                  </NavLink>
                }
              >
                Connect your Twilio account so your sequences can send and receive texts.
              </Alert>
            ) : null}
            <Outlet />
          </>
        )}
      </main>
    </div>
  );
}
