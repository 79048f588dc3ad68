import { useEffect, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, EmptyState, Field, Loading } from '@sms-seq/ui';
import { ApiError, errorMessage } from '../../api/api-client';
import { KEAP_CONNECT_URL, useKeapBudget } from '../../api/use-keap';
import type { CallsPerConversation, KeapBudgetWindow } from '../../api/api.types';
import { sessionKey, useSession } from '../../api/use-session';
import type { TwilioMessagingService, TwilioPhoneNumber } from '../../api/api.types';
import {
  useConnectTwilio,
  useDisconnectTwilio,
  usePointSenderHere,
  useSenders,
  type TwilioCredentials,
} from '../../api/use-twilio';
import { usePageHeading } from '../../app/page-heading';
import { BuyNumberDialog } from './buy-number-dialog';
import { fetchedBackSentence, lostTextsSentence, type SenderKind } from './incoming-texts';

/** The API's code for credentials Twilio refused. */
const CREDENTIALS_REJECTED = 'twilio_credentials_rejected';

/** Connections: Keap (OAuth) and Twilio (credentials), their state, and what to do when one breaks. */
export function ConnectPage() {
  const session = useSession();
  const heading = usePageHeading<HTMLHeadingElement>('Connections');
  if (!session.data) return null;
  const { account, keap, twilio } = session.data;
  return (
    <div className="page">
      <h1 ref={heading} tabIndex={-1}>
        Connections
      </h1>
      <p className="lead">
        SMS Sequences needs your Keap account (to find, tag and update contacts) and your Twilio
        account (to send and receive texts).
      </p>
      <div className="grid-2">
        <Card
          title="Keap"
          actions={
            keap.connected && account.status === 'active' ? (
              <Badge tone="success">Connected</Badge>
            ) : (
              <Badge tone="danger">Disconnected</Badge>
            )
          }
        >
          {keap.connected && account.status === 'active' ? (
            <>
              <p>
                Connected to Keap app <strong>{account.keapAppName}</strong>.
              </p>
              <p className="muted">
                Access renews automatically. If you revoke it in Keap, sequences pause their Keap
                work until you reconnect here.
              </p>
            </>
          ) : (
            <Alert tone="danger" title="Keap access was lost">
              {account.statusReason ??
                'Keap no longer accepts this app’s access (it may have been revoked).'}{' '}
              Reconnect to let sequences find and tag contacts again; nothing you built is lost.
            </Alert>
          )}
          <a className="ui-button ui-button--secondary" href={KEAP_CONNECT_URL}>
            {keap.connected ? 'Reconnect Keap' : 'Connect Keap'}
          </a>
        </Card>
        <TwilioCard
          connected={twilio.connected}
          accountSid={twilio.accountSid}
          rejectedBecause={twilio.status === 'rejected' ? (twilio.statusReason ?? '') : null}
        />
      </div>
      {twilio.connected ? <SendersCard /> : null}
      {keap.connected ? <KeapBudgetCard /> : null}
    </div>
  );
}

function TwilioCard({
  connected,
  accountSid,
  rejectedBecause,
}: {
  connected: boolean;
  accountSid: string | null;
  /** Why Twilio refused the saved credentials; null while they work (or none are saved). */
  rejectedBecause: string | null;
}) {
  const rejected = connected && rejectedBecause !== null;
  const [editingNow, setEditing] = useState(!connected);
  // Credentials Twilio refuses are useless: the form to change them is open until they work.
  const editing = editingNow || rejected;
  const [useApiKey, setUseApiKey] = useState(false);
  const [form, setForm] = useState<TwilioCredentials>({
    accountSid: '',
    authToken: '',
    apiKeySid: '',
    apiKeySecret: '',
  });
  const connect = useConnectTwilio();
  const disconnect = useDisconnectTwilio();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const credentials: TwilioCredentials = {
      accountSid: form.accountSid.trim(),
      authToken: form.authToken.trim(),
    };
    if (useApiKey) {
      credentials.apiKeySid = form.apiKeySid?.trim();
      credentials.apiKeySecret = form.apiKeySecret?.trim();
    }
    connect.mutate(credentials, { onSuccess: () => setEditing(false) });
  };
  const input =
    (key: keyof TwilioCredentials, type = 'text') =>
    (props: object) => (
      <input
        {...props}
        className="ui-input"
        type={type}
        autoComplete="off"
        required={key === 'accountSid' || key === 'authToken' || useApiKey}
        value={form[key] ?? ''}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    );

  return (
    <Card
      title="Twilio"
      actions={
        rejected ? (
          <Badge tone="danger">Credentials rejected</Badge>
        ) : connected ? (
          <Badge tone="success">Connected</Badge>
        ) : (
          <Badge tone="warning">Not connected</Badge>
        )
      }
    >
      {rejected ? (
        <Alert tone="danger" title="Twilio rejected your credentials">
          {rejectedBecause ||
            'Twilio no longer accepts the saved credentials (they were changed or revoked in Twilio).'}{' '}
          Change credentials below: copy the current ones from the Twilio Console.
        </Alert>
      ) : null}
      {connected && !editing ? (
        <>
          <p>
            Connected to Twilio account <code>{accountSid}</code>.
          </p>
          <div className="row">
            <Button onClick={() => setEditing(true)}>Change credentials</Button>
            <Button
              variant="danger"
              busy={disconnect.isPending}
              onClick={() => disconnect.mutate()}
            >
              Disconnect
            </Button>
          </div>
          {disconnect.isError ? (
            <Alert tone="danger">{errorMessage(disconnect.error)}</Alert>
          ) : null}
        </>
      ) : (
        <form
          className="stack"
          onSubmit={submit}
          aria-label={rejected ? 'Change credentials' : 'Twilio credentials'}
        >
          {rejected ? <h3>Change credentials</h3> : null}
          <p className="muted">
            Find these on your Twilio Console home page. We check them with Twilio and store them
            encrypted; they are never shown again.
          </p>
          <Field label="Account SID" hint="Starts with AC">
            {input('accountSid')}
          </Field>
          <Field label="Auth Token">{input('authToken', 'password')}</Field>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={useApiKey}
              onChange={(e) => setUseApiKey(e.target.checked)}
            />{' '}
            Send with an API key instead (recommended by Twilio)
          </label>
          {useApiKey ? (
            <>
              <Field label="API key SID" hint="Starts with SK">
                {input('apiKeySid')}
              </Field>
              <Field label="API key secret">{input('apiKeySecret', 'password')}</Field>
            </>
          ) : null}
          {connect.isError ? (
            <Alert tone="danger" title="Twilio did not accept these credentials">
              {errorMessage(connect.error)}
            </Alert>
          ) : null}
          <div className="row">
            <Button type="submit" variant="primary" busy={connect.isPending}>
              {connected ? 'Save credentials' : 'Connect Twilio'}
            </Button>
            {connected && !rejected ? (
              <Button onClick={() => setEditing(false)}>Cancel</Button>
            ) : null}
          </div>
        </form>
      )}
    </Card>
  );
}

function SendersCard() {
  const senders = useSenders();
  const [buying, setBuying] = useState(false);
  const rejected = senders.error instanceof ApiError && senders.error.code === CREDENTIALS_REJECTED;
  const client = useQueryClient();
  // Twilio refused the credentials just now: the session (the Twilio card) says so at once.
  useEffect(() => {
    if (rejected) void client.invalidateQueries({ queryKey: sessionKey });
  }, [rejected, client]);
  return (
    <Card
      title="Phone numbers and messaging services"
      actions={
        <Button variant="primary" onClick={() => setBuying(true)}>
          + Buy a number
        </Button>
      }
    >
      {senders.isPending ? (
        <Loading label="Loading your Twilio numbers…" />
      ) : rejected ? (
        <Alert tone="warning" title="Your numbers cannot be listed">
          Twilio rejected the saved credentials. Change credentials in the Twilio card above; your
          numbers and messaging services show here again once Twilio accepts them.
        </Alert>
      ) : senders.isError ? (
        <Alert
          tone="danger"
          actions={<Button onClick={() => void senders.refetch()}>Try again</Button>}
        >
          {errorMessage(senders.error)}
        </Alert>
      ) : senders.data.phoneNumbers.length === 0 && senders.data.messagingServices.length === 0 ? (
        <EmptyState
          title="Your Twilio account has no phone numbers yet"
          actions={<Button onClick={() => setBuying(true)}>Buy a number</Button>}
        />
      ) : (
        <div className="stack">
          {[...senders.data.phoneNumbers, ...senders.data.messagingServices].some(
            (sender) => sender.broken,
          ) ? (
            <Alert tone="danger" title="Some published tools cannot hear their contacts">
              Texts to their senders go to another webhook (changed in Twilio). Point each one
              marked below back at SMS Sequences.
            </Alert>
          ) : null}
          <table className="table">
            <caption className="ui-visually-hidden">Phone numbers</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Name</th>
                <th scope="col">Incoming texts</th>
              </tr>
            </thead>
            <tbody>
              {senders.data.phoneNumbers.map((number) => (
                <tr key={number.sid}>
                  <td>{number.phoneNumber}</td>
                  <td>{number.friendlyName}</td>
                  <td>
                    <IncomingTexts kind="number" sender={number} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {senders.data.messagingServices.length > 0 ? (
            <table className="table">
              <caption className="ui-visually-hidden">Messaging services</caption>
              <thead>
                <tr>
                  <th scope="col">Messaging service</th>
                  <th scope="col">Numbers</th>
                  <th scope="col">Sticky sender</th>
                  <th scope="col">Incoming texts</th>
                </tr>
              </thead>
              <tbody>
                {senders.data.messagingServices.map((service) => (
                  <tr key={service.sid}>
                    <td>{service.friendlyName}</td>
                    <td>{service.phoneNumbers.join(', ') || '—'}</td>
                    <td>
                      {service.stickySender ? (
                        <Badge tone="success">On</Badge>
                      ) : (
                        <Badge
                          tone="warning"
                          title="Turn on Sticky Sender in Twilio so a contact gets every step from the same number"
                        >
                          Off: turn it on in Twilio
                        </Badge>
                      )}
                    </td>
                    <td>
                      <IncomingTexts kind="service" sender={service} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      )}
      <BuyNumberDialog open={buying} onClose={() => setBuying(false)} />
    </Card>
  );
}

/**
 * Where texts to a sender go. A sender no published tool uses may well point elsewhere (another
 * app uses it); one a published tool uses must come here, or the tool hears nothing: "Point it
 * back" fixes it, says why when Twilio would not, and then how many of the texts that went
 * elsewhere meanwhile were fetched back.
 */
function IncomingTexts({
  kind,
  sender,
}: {
  kind: SenderKind;
  sender: TwilioPhoneNumber | TwilioMessagingService;
}) {
  const pointHere = usePointSenderHere(kind, sender.sid);
  if (sender.connected) {
    const here = <Badge tone="success">Come to SMS Sequences</Badge>;
    const fetched = pointHere.data ? fetchedBackSentence(pointHere.data) : null;
    if (!fetched) return here;
    return (
      <div className="stack" data-testid={`incoming-texts-${sender.sid}`}>
        {here}
        {pointHere.data?.fetchBackFailed ? (
          <Alert tone="warning" title="Texts not fetched back">
            {fetched}
          </Alert>
        ) : (
          <span role="status">{fetched}</span>
        )}
      </div>
    );
  }
  if (!sender.broken)
    return (
      <Badge tone="neutral" title={sender.smsUrl ?? undefined}>
        Go elsewhere until a tool uses it
      </Badge>
    );
  return (
    <div className="stack" data-testid={`incoming-texts-${sender.sid}`}>
      <div className="row row--tight">
        <Badge tone="danger" title={sender.smsUrl ?? undefined}>
          Go elsewhere
        </Badge>
        <span>{lostTextsSentence(kind, sender)}</span>
      </div>
      <div className="row">
        <Button
          size="small"
          variant="primary"
          busy={pointHere.isPending}
          onClick={() => pointHere.mutate()}
        >
          Point it back
        </Button>
      </div>
      {pointHere.isError ? (
        <Alert tone="danger" title="It still points elsewhere">
          {errorMessage(pointHere.error)}
        </Alert>
      ) : null}
    </div>
  );
}

const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const windowLeft = (window: KeapBudgetWindow) =>
  `${count(window.left)} of ${count(window.limit)} left`;
const perConversation = (calls: CallsPerConversation) =>
  `${count(calls.average)} on average (at most ${count(calls.max)})`;

/**
 * Keap limits how often apps may call it; this card shows how many calls a conversation costs and
 * how much of the limits is left, so a marketer can tell a slow day from a problem.
 */
function KeapBudgetCard() {
  const budget = useKeapBudget();
  return (
    <Card
      title="Keap usage"
      actions={
        budget.data && budget.data.app.pausedForMs > 0 ? (
          <Badge tone="warning">Keap asked us to slow down</Badge>
        ) : budget.data?.fairDay.paced ? (
          <Badge tone="warning">Campaign starts paced</Badge>
        ) : null
      }
    >
      {budget.isPending ? (
        <Loading label="Loading Keap usage…" />
      ) : budget.isError ? (
        <Alert
          tone="warning"
          actions={<Button onClick={() => void budget.refetch()}>Try again</Button>}
        >
          Keap usage could not be loaded: {errorMessage(budget.error)}
        </Alert>
      ) : (
        <div className="stack" data-testid="keap-budget">
          <p className="muted">
            Keap lets each app make only so many requests a minute and a day. Sequences read a
            contact once per conversation and queue the rest, so a busy campaign slows down rather
            than failing.
          </p>
          <dl className="facts">
            <dt>Keap calls per conversation</dt>
            <dd>
              {budget.data.perConversation.conversations === 0
                ? 'No conversations yet'
                : `${perConversation(budget.data.perConversation.total)} over your last ${count(budget.data.perConversation.conversations)} conversation${budget.data.perConversation.conversations === 1 ? '' : 's'}: ${count(budget.data.perConversation.reads.average)} reads and ${count(budget.data.perConversation.writes.average)} writes`}
            </dd>
            <dt>Your Keap calls today</dt>
            <dd>
              {count(budget.data.account.total)}
              {budget.data.account.throttled
                ? ` (Keap asked to wait ${count(budget.data.account.throttled)} times; those calls were retried)`
                : ''}
            </dd>
            <dt>Your Keap account’s budget</dt>
            <dd>
              This minute: {windowLeft(budget.data.account.minute)} · today:{' '}
              {windowLeft(budget.data.account.day)}
            </dd>
            <dt>Shared by every SMS Sequences account</dt>
            <dd>
              This minute: {windowLeft(budget.data.app.minute)} · today:{' '}
              {windowLeft(budget.data.app.day)}
            </dd>
            <dt>Keap’s daily limit by midnight UTC</dt>
            <dd>
              About {count(budget.data.fairDay.projectedToday)} calls for all apps at today’s pace
              (the limit is {count(budget.data.fairDay.dayLimit)})
            </dd>
            <dt>Your fair share today</dt>
            <dd>
              {budget.data.fairDay.share === null
                ? 'Not needed: the daily limit is expected to last'
                : `${count(budget.data.fairDay.share)} calls (${count(budget.data.fairDay.usedToday)} used, ${count(budget.data.fairDay.shareLeft ?? 0)} left)`}
            </dd>
          </dl>
          {budget.data.fairDay.paced ? (
            <Alert tone="warning">
              <span data-testid="keap-fair-day">{budget.data.fairDay.summary}</span>
            </Alert>
          ) : (
            <p className="muted" data-testid="keap-fair-day">
              {budget.data.fairDay.summary}
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
