import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, EmptyState, Field, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { OptOut } from '../../api/api.types';
import { useOptOuts } from '../../api/use-opt-outs';
import { usePageHeading } from '../../app/page-heading';

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * Every number that opted out, so a marketer can answer "why does this person get nothing?":
 * when, from which sender, in which tool, and what they texted.
 */
export default function OptOutsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? undefined;
  const [query, setQuery] = useState(q ?? '');
  const list = useOptOuts(q);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const heading = usePageHeading<HTMLHeadingElement>('Opt-outs');

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (query.trim()) next.set('q', query.trim());
    else next.delete('q');
    setParams(next);
  };

  return (
    <div className="page">
      <h1 ref={heading} tabIndex={-1}>
        Opt-outs
      </h1>
      <p className="muted">
        People who texted STOP (or another opt-out word) get no more texts from that number or
        messaging service, from any of your tools, until they text START.
      </p>
      <form className="row row--end filters" onSubmit={search} role="search">
        <Field
          label="Phone number, word or tool"
          hint="Any form: (720) 555-7707, +1 720 555 7707, 555-7707"
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
        <Button type="submit" variant="primary">
          Search
        </Button>
      </form>
      {list.isPending ? (
        <Loading label="Loading opt-outs…" />
      ) : list.isError ? (
        <Alert
          tone="danger"
          actions={<Button onClick={() => void list.refetch()}>Try again</Button>}
        >
          {errorMessage(list.error)}
        </Alert>
      ) : items.length === 0 ? (
        q ? (
          <EmptyState title="Nobody found">
            No one who opted out matches “{q}”. If this person gets no texts, they have not opted
            out: look them up in{' '}
            <Link to={`/conversations?q=${encodeURIComponent(q)}`}>Conversations</Link>.
          </EmptyState>
        ) : (
          <EmptyState title="Nobody has opted out">
            Someone who texts STOP (or UNSUBSCRIBE, CANCEL, QUIT and the like) to one of your
            numbers opts out: they get no more texts from that number until they text START to opt
            back in. They will be listed here.
          </EmptyState>
        )
      ) : (
        <OptOutsTable items={items} />
      )}
      {list.hasNextPage ? (
        <Button busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Show more
        </Button>
      ) : null}
    </div>
  );
}

function OptOutsTable({ items }: { items: OptOut[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="ui-visually-hidden">Opted-out numbers</caption>
        <thead>
          <tr>
            <th scope="col">Phone</th>
            <th scope="col">Opted out</th>
            <th scope="col">From</th>
            <th scope="col">Tool</th>
            <th scope="col">What they sent</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.sender} ${item.phone}`}>
              <td>
                <span title={item.phone}>{item.phoneFormatted}</span>
              </td>
              <td>{when(item.optedOutAt)}</td>
              <td>{item.senderName}</td>
              <td>{item.toolName ?? <span className="muted">Not in a conversation</span>}</td>
              <td>
                {item.word === null ? (
                  <span className="muted">Twilio says they unsubscribed</span>
                ) : (
                  <code>{item.word}</code>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
