import { Card } from '@sms-seq/ui';
import { KEAP_CONNECT_URL } from '../../api/use-keap';
import { usePageHeading } from '../../app/page-heading';

/** What a signed-out visitor sees: one clear way in, through Keap. */
export function SignIn() {
  usePageHeading('Sign in');
  return (
    <div className="sign-in">
      <Card title="Sign in with your Keap account">
        <p>
          SMS Sequences runs text-message conversations for your Keap contacts over your own Twilio
          account. Sign in with Keap to build sequences, connect Twilio and follow conversations.
        </p>
        <a className="ui-button ui-button--primary" href={KEAP_CONNECT_URL}>
          Sign in with Keap
        </a>
      </Card>
    </div>
  );
}
