import { Link } from 'react-router-dom';
import { Alert, Button, Card } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { RefusedStart } from '../../api/api.types';
import { useRefusedStarts } from '../../api/use-conversations';
import { KEAP_CONNECT_URL } from '../../api/use-keap';
import { useSession } from '../../api/use-session';
import {
  describeRefusedHttpStart,
  describeTextedSender,
  refusedBannerTitle,
  refusedCardTitle,
  refusedInLastDay,
} from './refused-starts';

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

/** The card's opening words, for the kinds it lists. */
function Intro({ items, disconnected }: { items: RefusedStart[]; disconnected: boolean }) {
  const texts = items.some((i) => i.kind === 'text');
  const posts = items.some((i) => i.kind === 'http_post');
  return (
    <p>
      {texts && (
        <>
          These contacts texted a keyword while Keap was disconnected, so no conversation started.{' '}
          {whatToDoInWords(disconnected)}
        </>
      )}
      {texts && posts && ' '}
      {posts &&
        'A Keap campaign’s “Send HTTP Post” could not start these contacts, and Keap shows that nowhere: each line says why and what to do.'}
    </p>
  );
}

function RefusedItem({ item, disconnected }: { item: RefusedStart; disconnected: boolean }) {
  if (item.kind === 'http_post')
    return (
      <li className="list__item refused-start">
        <span>{describeRefusedHttpStart(item, { keapConnected: !disconnected })}</span>
      </li>
    );
  return (
    <li className="list__item refused-start">
      <span>
        <strong>{item.phone}</strong> texted “{item.body}” to {describeTextedSender(item.sender)}{' '}
        <span className="muted small">· {when(item.receivedAt)}</span>
      </span>
      <span className="muted small">{item.reason}</span>
    </li>
  );
}

/**
 * Keyword texts that reached a tool while Keap was disconnected, and Keap campaigns' HTTP Posts a
 * tool could not start: nothing started, and nothing was lost either. The Conversations screen
 * lists them with the reason and what to do.
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
        Starts that did not happen could not be loaded: {errorMessage(refused.error)}
      </Alert>
    );
  const disconnected = session.data?.account.status === 'disconnected';
  const title = refusedCardTitle(refused.data);
  return (
    <Card title={title} actions={<WhatToDo />}>
      <Intro items={refused.data} disconnected={disconnected} />
      <ul className="list" aria-label={title.replace(/ \(\d+\)$/, '')}>
        {refused.data.map((item) => (
          <RefusedItem key={item.id} item={item} disconnected={disconnected} />
        ))}
      </ul>
    </Card>
  );
}

/** On the tools list: starts refused in the last 24 hours, why, and what to do. */
export function RefusedStartsBanner() {
  const refused = useRefusedStarts();
  const session = useSession();
  const recent = refusedInLastDay(refused.data ?? []);
  if (recent.length === 0) return null;
  const disconnected = session.data?.account.status === 'disconnected';
  const onlyTexts = recent.every((i) => i.kind === 'text');
  return (
    <Alert
      tone="danger"
      title={refusedBannerTitle(recent)}
      actions={
        <>
          <WhatToDo />
          <Link className="ui-button ui-button--secondary" to="/conversations">
            {onlyTexts ? 'See the texts' : 'See who and why'}
          </Link>
        </>
      }
    >
      {onlyTexts ? (
        <>
          Keap was disconnected, so no conversation could start for them.{' '}
          {whatToDoInWords(disconnected)}
        </>
      ) : (
        'No conversation started for them. Conversations lists each one with the reason and what to do.'
      )}
    </Alert>
  );
}
