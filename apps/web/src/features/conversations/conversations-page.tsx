import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { FINAL_STATUSES, type ConversationStatus } from '@sms-seq/engine';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Badge, Button, Card, EmptyState, Field, Loading, type Tone } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { ConversationSummary } from '../../api/api.types';
import { useConversation, useConversations, useEndConversation } from '../../api/use-conversations';
import { useAccountFields, useTags } from '../../api/use-keap';
import { useTool, useToolVersions, useTools } from '../../api/use-tools';
import { usePageHeading } from '../../app/page-heading';
import { describeEvents } from './event-sentence';
import { messageOutcome } from './message-outcome';
import { RefusedStartsCard } from './refused-starts-card';

const STATUS: Record<ConversationStatus, { label: string; tone: Tone }> = {
  awaiting_reply: { label: 'Waiting for a reply', tone: 'info' },
  awaiting_contact: { label: 'Finding the contact', tone: 'info' },
  finished: { label: 'Finished', tone: 'success' },
  expired: { label: 'Expired', tone: 'neutral' },
  opted_out: { label: 'Opted out', tone: 'warning' },
  invalid_number: { label: 'Invalid number', tone: 'danger' },
  ended: { label: 'Ended by hand', tone: 'neutral' },
};
const STATUSES = Object.keys(STATUS) as ConversationStatus[];
const asStatus = (value: string | null): ConversationStatus | undefined =>
  STATUSES.find((status) => status === value);
const statusOf = (status: ConversationStatus) =>
  STATUS[status] ?? { label: String(status).replace(/_/g, ' '), tone: 'neutral' as Tone };
const when = (iso: string) => new Date(iso).toLocaleString();
// The widths where the list and the transcript stack (styles.css: .split).
const STACKED = '(max-width: 1000px)';

/** Every conversation, searchable, with its transcript and the Keap contact. */
export default function ConversationsPage() {
  const { conversationId = null } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const tools = useTools();
  const filter = {
    toolId: params.get('toolId') ?? undefined,
    status: asStatus(params.get('status')),
    q: params.get('q') ?? undefined,
  };
  const [query, setQuery] = useState(filter.q ?? '');
  const list = useConversations(filter);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const heading = usePageHeading<HTMLHeadingElement>('Conversations');
  // Where the list and the transcript stack (a phone), the transcript is drawn below the whole
  // list: opening a conversation shows it as its own view, brought into view and focused.
  // Again once the transcript has loaded: only then is the page tall enough to scroll to it.
  const detail = useRef<HTMLElement>(null);
  const bringIntoView = useCallback(() => {
    if (!window.matchMedia(STACKED).matches) return;
    detail.current?.scrollIntoView({ block: 'start' });
    detail.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    if (conversationId) bringIntoView();
  }, [conversationId, bringIntoView]);

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilter('q', query.trim());
  };

  return (
    <div className="page">
      <h1 ref={heading} tabIndex={-1}>
        Conversations
      </h1>
      <RefusedStartsCard />
      <form className="row row--end filters" onSubmit={search} role="search">
        <Field
          label="Phone or name, or words in the texts"
          hint="Any form: (720) 555-7707, +1 720 555 7707, 555-7707; a first and/or last name"
          className="grow"
        >
          {(props) => (
            <input
              {...props}
              type="search"
              className="ui-input"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          )}
        </Field>
        <Field label="Tool">
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={filter.toolId ?? ''}
              onChange={(e) => setFilter('toolId', e.target.value)}
            >
              <option value="">{tools.isPending ? 'Loading tools…' : 'All tools'}</option>
              {(tools.data ?? []).map((tool) => (
                <option key={tool.id} value={tool.id}>
                  {tool.name}
                </option>
              ))}
              {/* Filtered by a link while the tools are not (yet) listed: still says a tool is chosen. */}
              {filter.toolId && !tools.data?.some((tool) => tool.id === filter.toolId) ? (
                <option value={filter.toolId}>
                  {tools.isPending
                    ? 'Loading tools…'
                    : tools.isError
                      ? 'The chosen tool (its name could not be loaded)'
                      : 'A tool that no longer exists'}
                </option>
              ) : null}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={filter.status ?? ''}
              onChange={(e) => setFilter('status', e.target.value)}
            >
              <option value="">Any status</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS[status].label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary">
          Search
        </Button>
      </form>
      {tools.isError ? (
        <Alert
          tone="warning"
          title="Your tools could not be loaded for the tool filter"
          actions={
            <Button busy={tools.isFetching} onClick={() => void tools.refetch()}>
              Try again
            </Button>
          }
        >
          {errorMessage(tools.error)}{' '}
          {filter.toolId
            ? 'The list still shows only the chosen tool’s conversations.'
            : 'The list shows the conversations of every tool.'}
        </Alert>
      ) : null}
      <div className={conversationId ? 'split split--open' : 'split'}>
        <section aria-label="Conversation list" className="split__list">
          {list.isPending ? (
            <Loading label="Loading conversations…" />
          ) : list.isError ? (
            <Alert
              tone="danger"
              actions={<Button onClick={() => void list.refetch()}>Try again</Button>}
            >
              {errorMessage(list.error)}
            </Alert>
          ) : items.length === 0 ? (
            <EmptyState title="No conversations found">
              Conversations appear here as soon as a contact texts a keyword or a campaign starts a
              tool.
            </EmptyState>
          ) : (
            <ul className="list">
              {items.map((item) => (
                <ConversationRow
                  key={item.id}
                  item={item}
                  selected={item.id === conversationId}
                  onOpen={() => void navigate(`/conversations/${item.id}?${params.toString()}`)}
                />
              ))}
            </ul>
          )}
          {list.hasNextPage ? (
            <Button busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              Show more
            </Button>
          ) : null}
        </section>
        <section aria-label="Transcript" className="split__detail" ref={detail} tabIndex={-1}>
          {conversationId ? (
            <Link className="split__back" to={`/conversations?${params.toString()}`}>
              ← All conversations
            </Link>
          ) : null}
          {conversationId ? (
            <Transcript
              id={conversationId}
              summary={items.find((item) => item.id === conversationId)}
              onShown={bringIntoView}
            />
          ) : (
            <EmptyState title="Choose a conversation to read its transcript" />
          )}
        </section>
      </div>
    </div>
  );
}

function ConversationRow({
  item,
  selected,
  onOpen,
}: {
  item: ConversationSummary;
  selected: boolean;
  onOpen: () => void;
}) {
  const status = statusOf(item.status);
  return (
    <li className={`list__item ${selected ? 'list__item--selected' : ''}`}>
      <button
        type="button"
        className="list__button"
        onClick={onOpen}
        aria-current={selected || undefined}
      >
        <span>
          <strong>{item.phone}</strong>{' '}
          <span className="muted">
            · {item.toolName}
            {item.version === null ? '' : ` v${item.version}`}
          </span>
        </span>
        <span className="row row--tight">
          <Badge tone={status.tone}>{status.label}</Badge>
          <span className="muted small">{when(item.lastActivityAt)}</span>
        </span>
      </button>
    </li>
  );
}

function Transcript({
  id,
  summary,
  onShown,
}: {
  id: string;
  summary: ConversationSummary | undefined;
  /** Called once the conversation has loaded (again for each conversation opened). */
  onShown: () => void;
}) {
  const detail = useConversation(id);
  const end = useEndConversation();
  // Opened by link (no list row at hand): the tool's name comes from the tools list and the
  // version number from the tool's versions, both cached queries the console already has.
  const toolId = detail.data?.conversation.toolId ?? summary?.toolId ?? '';
  const tools = useTools();
  const versions = useToolVersions(toolId, { enabled: Boolean(toolId) && !summary });
  // Names for the ids in "What happened": the tool's steps, the tags picker's tags, the fields.
  const tool = useTool(toolId, { enabled: Boolean(toolId) });
  const tags = useTags();
  const fields = useAccountFields();
  const loaded = detail.data !== undefined;
  useEffect(() => {
    if (loaded) onShown();
  }, [id, loaded, onShown]);
  if (detail.isPending) return <Loading label="Loading the transcript…" />;
  if (detail.isError)
    return (
      <Alert
        tone="danger"
        title="This conversation could not be opened"
        actions={<Button onClick={() => void detail.refetch()}>Try again</Button>}
      >
        {errorMessage(detail.error)}
      </Alert>
    );
  const { messages, events, contactUrl } = detail.data;
  const conversation = detail.data.conversation;
  const toolName =
    summary?.toolName ||
    tools.data?.find((tool) => tool.id === conversation.toolId)?.name ||
    'Conversation';
  const version =
    summary?.version ??
    versions.data?.find((entry) => entry.id === conversation.toolVersionId)?.version;
  const status = statusOf(conversation.status);
  const told = describeEvents(events, {
    tool: tool.data?.draft,
    tags: tags.data,
    fields: fields.data,
  });
  return (
    <Card
      title={`${conversation.phone} · ${toolName}`}
      actions={
        <>
          <Badge tone={status.tone}>{status.label}</Badge>
          {!FINAL_STATUSES.includes(conversation.status) ? (
            <Button
              variant="danger"
              size="small"
              busy={end.isPending}
              onClick={() =>
                end.mutate(conversation.id, { onSuccess: () => void detail.refetch() })
              }
            >
              End conversation
            </Button>
          ) : null}
        </>
      }
    >
      <p className="muted small">
        Started {when(conversation.startedAt)} by{' '}
        {conversation.trigger === 'keyword'
          ? 'keyword'
          : conversation.trigger === 'http_post'
            ? 'campaign HTTP Post'
            : conversation.trigger}
        {version ? ` · version ${version}` : ''} ·{' '}
        {contactUrl ? (
          <a href={contactUrl} target="_blank" rel="noreferrer">
            Open the Keap contact #{conversation.contactId}
          </a>
        ) : (
          'no Keap contact yet'
        )}{' '}
        · <Link to={`/tools/${conversation.toolId}`}>Open the tool</Link>
      </p>
      {end.isError ? <Alert tone="danger">{errorMessage(end.error)}</Alert> : null}
      <ol className="chat" aria-label="Transcript">
        {messages.length === 0 ? <li className="chat__event">No messages yet</li> : null}
        {messages.map((message) => (
          <li
            key={message.id}
            className={`chat__bubble chat__bubble--${message.direction === 'in' ? 'in' : 'out'}`}
          >
            <span className="ui-visually-hidden">
              {message.direction === 'in' ? 'Contact: ' : 'Sequence: '}
            </span>
            {message.body}
            {message.mediaUrls.length ? (
              <span className="chat__media">+ {message.mediaUrls.length} media</span>
            ) : null}
            <span className="chat__meta">
              {[new Date(message.createdAt).toLocaleTimeString(), messageOutcome(message)]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </li>
        ))}
      </ol>
      {events.length ? (
        <details>
          <summary>What happened ({told.length} events)</summary>
          <ul className="events">
            {told.map(({ event, sentence }, index) => (
              <li key={index}>
                <span className="muted small">
                  {new Date(event.createdAt).toLocaleTimeString()}
                </span>{' '}
                {sentence}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Card>
  );
}
