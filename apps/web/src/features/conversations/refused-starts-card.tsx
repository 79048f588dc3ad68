import { Link } from 'react-router-dom';
import { Alert, Button, Card } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import { useRefusedStarts } from '../../api/use-conversations';
import { KEAP_CONNECT_URL } from '../../api/use-keap';
import { useSession } from '../../api/use-session';
import { describeTextedSender, refusedInLastDay } from './refused-starts';

const when = (iso: string) => new Date(iso).toLocaleString();

/** What to do about refused starts: reconnect Keap while it is still disconnected. */
function WhatToDo() {
  const session = useSession();
  return session.data?.account.status === 'disconnected' ? (
    <a className="ui-button ui-button--primary" href={KEAP_CONNECT_URL}>
      Reconnect Keap
    </a>
  ) : null;
}

function whatToDoInWords(disconnected: boolean): string {
  return disconnected
    ? 'Reconnect Keap so keyword texts start conversations again; then ask these contacts to text the keyword once more.'
    : 'Keap is connected again: ask these contacts to text the keyword once more.';
}

/**
 * Keyword texts that reached a tool while Keap was disconnected: nothing started, and nothing was
 * lost either. The Conversations screen lists them with the reason and what to do.
 */
export function RefusedStartsCard() {
  const refused = useRefusedStarts();
  const session = useSession();
  if (refused.isPending || (refused.data && refused.data.length === 0)) return null;
  if (refused.isError)
    return (
      <Alert
        tone="warning"
        actions={<Button onClick={() => void refused.refetch()}>Try again</Button>}
      >
        Texts that started nothing could not be loaded: {errorMessage(refused.error)}
      </Alert>
    );
  const disconnected = session.data?.account.status === 'disconnected';
  return (
    <Card title={`Texts that started nothing (${refused.data.length})`} actions={<WhatToDo />}>
      <p>
        These contacts texted a keyword while Keap was disconnected, so no conversation started.{' '}
        {whatToDoInWords(disconnected)}
      </p>
      <ul className="list" aria-label="Texts that started nothing">
        {refused.data.map((item) => (
          <li key={item.id} className="list__item refused-start">
            <span>
              <strong>{item.phone}</strong> texted “{item.body}” to{' '}
              {describeTextedSender(item.sender)}{' '}
              <span className="muted small">· {when(item.receivedAt)}</span>
            </span>
            <span className="muted small">{item.reason}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** On the tools list: keyword texts refused in the last 24 hours, why, and what to do. */
export function RefusedStartsBanner() {
  const refused = useRefusedStarts();
  const session = useSession();
  const recent = refusedInLastDay(refused.data ?? []);
  if (recent.length === 0) return null;
  const disconnected = session.data?.account.status === 'disconnected';
  return (
    <Alert
      tone="danger"
      title={
        recent.length === 1
          ? 'A keyword text started nothing in the last 24 hours'
          : `${recent.length} keyword texts started nothing in the last 24 hours`
      }
      actions={
        <>
          <WhatToDo />
          <Link className="ui-button ui-button--secondary" to="/conversations">
            See the texts
          </Link>
        </>
      }
    >
      Keap was disconnected, so no conversation could start for them.{' '}
      {whatToDoInWords(disconnected)}
    </Alert>
  );
}
