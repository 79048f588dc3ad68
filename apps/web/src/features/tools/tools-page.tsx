import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Dialog, EmptyState, Field, Loading } from '@sms-seq/ui';
import { ApiError, errorMessage } from '../../api/api-client';
import type { ToolSummary } from '../../api/api.types';
import { useCreateTool, useDeleteTool, useImportTool, useTools } from '../../api/use-tools';
import { usePageHeading } from '../../app/page-heading';
import { RefusedStartsBanner } from '../conversations/refused-starts-card';
import { describeSender } from './describe-sender';
import { ImportToolDialog, importQuestionsOf, type PendingImport } from './import-tool-dialog';
import { ToolStatus } from './tool-status';

/** Every tool of the account, with what a marketer checks at a glance, and the way to make one. */
export function ToolsPage() {
  const tools = useTools();
  const navigate = useNavigate();
  const create = useCreateTool();
  const importTool = useImportTool();
  const [name, setName] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<string[] | null>(null);
  const [pendingImport, setPendingImport] = useState<PendingImport | null>(null);
  const heading = usePageHeading<HTMLHeadingElement>('Tools');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(name.trim(), { onSuccess: (tool) => void navigate(`/tools/${tool.id}`) });
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImportError(null);
    let definition: unknown;
    try {
      definition = JSON.parse(await file.text());
    } catch {
      setImportError([`${file.name} is not a JSON file exported from SMS Sequences.`]);
      return;
    }
    importTool.mutate(
      { file: definition },
      {
        // A file from another Keap app: the dialog says what was matched, or asks.
        onSuccess: (tool) =>
          tool.mapped.length
            ? setPendingImport({ file: definition, result: tool })
            : void navigate(`/tools/${tool.id}`),
        onError: (error) => {
          const questions = importQuestionsOf(error);
          if (questions) return setPendingImport({ file: definition, questions });
          // The problems' sentences name their fields as the editor does: no paths to show.
          const details =
            error instanceof ApiError && Array.isArray(error.details)
              ? (error.details as { message?: string }[])
              : [];
          setImportError([
            errorMessage(error),
            ...details.flatMap((problem) => (problem.message ? [problem.message] : [])),
          ]);
        },
      },
    );
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            SMS sequence tools
          </h1>
          <p className="lead">
            Each tool is one text-message conversation: contacts start it by texting a keyword, or a
            Keap campaign starts it.
          </p>
        </div>
      </div>
      <RefusedStartsBanner />
      <ImportToolDialog pending={pendingImport} onClose={() => setPendingImport(null)} />
      <Card title="Create a tool">
        <form className="row row--end" onSubmit={submit}>
          <Field label="Tool name" hint="Only you see it; contacts never do." className="grow">
            {(props) => (
              <input
                {...props}
                className="ui-input"
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. Spring open house opt-in"
              />
            )}
          </Field>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim()}>
            Create tool
          </Button>
          <Button onClick={() => fileInput.current?.click()} busy={importTool.isPending}>
            Import JSON…
          </Button>
          <Link className="ui-button ui-button--secondary" to="/templates">
            Templates
          </Link>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            aria-label="Tool JSON file"
            onChange={(e) => void onFile(e)}
          />
        </form>
        {create.isError ? <Alert tone="danger">{errorMessage(create.error)}</Alert> : null}
        {importError ? (
          <Alert tone="danger" title="The file was not imported">
            <ul>
              {importError.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>
          </Alert>
        ) : null}
      </Card>
      {tools.isPending ? (
        <Loading label="Loading your tools…" />
      ) : tools.isError ? (
        <Alert
          tone="danger"
          actions={<Button onClick={() => void tools.refetch()}>Try again</Button>}
        >
          {errorMessage(tools.error)}
        </Alert>
      ) : tools.data.length === 0 ? (
        <EmptyState
          title="No tools yet"
          actions={
            <Link className="ui-button ui-button--primary" to="/templates">
              Start from a template
            </Link>
          }
        >
          Start from a ready sequence (opt-in, lead qualification, appointment confirmation, event
          RSVP, NPS survey), or name your first tool above: it starts with a step that asks for the
          contact’s email address.
        </EmptyState>
      ) : (
        <ToolsTable tools={tools.data} />
      )}
    </div>
  );
}

function ToolsTable({ tools }: { tools: ToolSummary[] }) {
  const [deleting, setDeleting] = useState<ToolSummary | null>(null);
  return (
    <div className="table-wrap">
      <DeleteToolDialog tool={deleting} onClose={() => setDeleting(null)} />
      <table className="table">
        <caption className="ui-visually-hidden">Tools</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Sender</th>
            <th scope="col">Keyword</th>
            <th scope="col" className="num" title="Conversations started since midnight, your time">
              Conversations today
            </th>
            <th scope="col">
              <span className="ui-visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tools.map((tool) => (
            <tr key={tool.id}>
              <td>
                <Link to={`/tools/${tool.id}`}>{tool.name}</Link>
              </td>
              <td>
                <ToolStatus tool={tool} />
              </td>
              <td>{describeSender(tool.sender)}</td>
              <td>
                {tool.startMode === 'http_only' ? (
                  <span className="muted">HTTP Post only</span>
                ) : tool.keyword ? (
                  <code>{tool.keyword}</code>
                ) : (
                  '—'
                )}
              </td>
              <td className="num">{tool.conversationsToday}</td>
              <td>
                <Button
                  size="small"
                  variant="ghost"
                  aria-label={`Delete tool ${tool.name}`}
                  onClick={() => setDeleting(tool)}
                >
                  Delete tool
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Asks before deleting: Cancel has focus, Escape cancels, and deleting says what stops. */
function DeleteToolDialog({ tool, onClose }: { tool: ToolSummary | null; onClose: () => void }) {
  const remove = useDeleteTool();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Dialog open={tool !== null} title={`Delete “${tool?.name ?? ''}”?`} onClose={close}>
      <p>
        {tool?.status === 'published'
          ? 'Contacts can no longer start it: its keyword and its tool URL stop working. '
          : ''}
        The tool and its draft are deleted; this cannot be undone.
      </p>
      {remove.isError ? <Alert tone="danger">{errorMessage(remove.error)}</Alert> : null}
      <div className="row row--end">
        <Button data-autofocus onClick={close}>
          Cancel
        </Button>
        <Button
          variant="danger"
          busy={remove.isPending}
          onClick={() => {
            if (tool) remove.mutate(tool.id, { onSuccess: close });
          }}
        >
          Delete tool
        </Button>
      </div>
    </Dialog>
  );
}
