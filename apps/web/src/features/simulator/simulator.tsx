import { useMemo, useState, type FormEvent } from 'react';
import {
  describeCondition,
  FINAL_STATUSES,
  mergeFieldsOfTool,
  simulate,
  smsFacts,
  type SimulationInput,
  type SimulationTurn,
  type ToolDefinition,
} from '@sms-seq/engine';
import { Alert, Badge, Button, EmptyState, Field } from '@sms-seq/ui';
import type { AccountField, AccountTag } from '../../api/api.types';

export interface SimulatorProps {
  /** The draft as the engine reads it; null while the form does not fit the schema. */
  tool: ToolDefinition | null;
  tags: AccountTag[];
  /** To name the fields replies are saved to. */
  fields: AccountField[];
  hasErrors: boolean;
}

/**
 * Chat with the draft as a pretend contact. It runs the engine's `simulate` in the browser — the
 * same state machine, merge-field rendering and reply reading the API runs for real conversations
 * — so nothing is sent and no contact is touched, and every change to the form replays the chat
 * at once. The pretend contact has the values typed here, or no values at all, to see the texts a
 * contact with empty fields gets.
 */
export function Simulator({ tool, tags, fields, hasErrors }: SimulatorProps) {
  const [mode, setMode] = useState<'keyword' | 'http_post'>('keyword');
  const [startStepId, setStartStepId] = useState('');
  const [contactKind, setContactKind] = useState<'filled' | 'empty'>('filled');
  const [values, setValues] = useState<Record<string, string>>({ FirstName: 'Pat' });
  const [inputs, setInputs] = useState<SimulationInput[]>([]);
  const [reply, setReply] = useState('');
  const effectiveMode = tool?.startMode === 'http_only' ? 'http_post' : mode;
  // The fields the texts fill in are the ones worth a value here (the id is the contact's own).
  const mergeFields = useMemo(
    () => (tool ? mergeFieldsOfTool(tool).filter((key) => key !== 'Id') : []),
    [tool],
  );

  const result = useMemo(() => {
    if (!tool) return null;
    try {
      return simulate(tool, {
        start: effectiveMode,
        startStepId: effectiveMode === 'http_post' && startStepId ? startStepId : null,
        contact: {
          fields: contactKind === 'empty' ? {} : { Phone1: '+15555550100', ...values },
        },
        inputs,
      });
    } catch (error) {
      return error instanceof Error ? error : new Error('The simulation stopped.');
    }
  }, [tool, effectiveMode, startStepId, contactKind, values, inputs]);

  const tagName = (id: number) => tags.find((tag) => tag.id === id)?.name ?? `Tag #${id}`;
  const fieldName = (key: string) => fields.find((field) => field.key === key)?.label ?? key;
  const finished =
    result !== null &&
    !(result instanceof Error) &&
    result.status !== null &&
    FINAL_STATUSES.includes(result.status);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!reply.trim()) return;
    setInputs([...inputs, reply]);
    setReply('');
  };

  if (!tool)
    return (
      <Alert tone="warning">
        Fix the highlighted fields first: the simulator needs a tool it can read.
      </Alert>
    );
  return (
    <div className="simulator">
      <div className="row row--end">
        {tool.startMode === 'keyword_or_http' ? (
          <Field label="Start by">
            {(props) => (
              <select
                {...props}
                className="ui-input"
                value={mode}
                onChange={(e) => {
                  setMode(e.target.value === 'http_post' ? 'http_post' : 'keyword');
                  setInputs([]);
                }}
              >
                <option value="keyword">Texting the keyword</option>
                <option value="http_post">Campaign HTTP Post</option>
              </select>
            )}
          </Field>
        ) : null}
        {effectiveMode === 'http_post' ? (
          <Field label="Start with step">
            {(props) => (
              <select
                {...props}
                className="ui-input"
                value={startStepId}
                onChange={(e) => {
                  setStartStepId(e.target.value);
                  setInputs([]);
                }}
              >
                <option value="">The first step</option>
                {tool.steps.map((step, index) => (
                  <option key={step.id} value={step.id}>
                    #{index + 1} {step.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field label="Pretend contact">
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={contactKind}
              onChange={(e) => setContactKind(e.target.value === 'empty' ? 'empty' : 'filled')}
            >
              <option value="filled">With the values below</option>
              <option value="empty">With empty fields</option>
            </select>
          )}
        </Field>
        <Button onClick={() => setInputs([])}>Restart</Button>
      </div>
      {contactKind === 'filled' && mergeFields.length > 0 ? (
        <div className="row row--end">
          {mergeFields.map((key) => (
            <Field key={key} label={`Contact’s ${fieldName(key)}`}>
              {(props) => (
                <input
                  {...props}
                  className="ui-input"
                  value={values[key] ?? ''}
                  onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
      ) : null}
      {hasErrors ? (
        <p className="muted">The draft still has problems; the simulator runs it as it is.</p>
      ) : null}
      <ol className="chat" aria-label="Simulated conversation" aria-live="polite">
        {result instanceof Error ? (
          <Alert tone="danger">{result.message}</Alert>
        ) : result === null || result.turns.length === 0 ? (
          <EmptyState title="Nothing to show yet" />
        ) : (
          result.turns.map((turn, index) => (
            <Turn key={index} turn={turn} tool={tool} tagName={tagName} fieldName={fieldName} />
          ))
        )}
      </ol>
      <form className="chat-input" onSubmit={send}>
        <label htmlFor="simulator-reply" className="ui-visually-hidden">
          Reply as the contact
        </label>
        <input
          id="simulator-reply"
          className="ui-input"
          placeholder={
            finished ? 'The conversation has ended. Restart to try again.' : 'Reply as the contact…'
          }
          value={reply}
          disabled={Boolean(finished)}
          onChange={(e) => setReply(e.target.value)}
        />
        <Button type="submit" variant="primary" disabled={Boolean(finished) || !reply.trim()}>
          Send
        </Button>
        <Button
          onClick={() => setInputs([...inputs, { optOut: true }])}
          disabled={Boolean(finished)}
        >
          Text STOP
        </Button>
      </form>
    </div>
  );
}

function Turn({
  turn,
  tool,
  tagName,
  fieldName,
}: {
  turn: SimulationTurn;
  tool: ToolDefinition;
  tagName: (id: number) => string;
  fieldName: (key: string) => string;
}) {
  const step = (id: string | null) => {
    const index = tool.steps.findIndex((candidate) => candidate.id === id);
    return index < 0 ? null : `#${index + 1} ${tool.steps[index]?.name ?? ''}`;
  };
  const answering = step(turn.stepId);
  const condition =
    turn.matched === null
      ? null
      : turn.matched === 'fallback'
        ? 'No condition matched: the fallback applies'
        : matchedConditionText(tool, turn.stepId, turn.matched, fieldName);
  return (
    <>
      {turn.input.kind === 'start' ? (
        <li className="chat__event">
          {turn.input.mode === 'keyword'
            ? `The contact texts “${tool.keyword ?? ''}”`
            : 'A campaign HTTP Post starts the sequence'}
        </li>
      ) : turn.input.kind === 'reply' ? (
        <li className="chat__bubble chat__bubble--in">
          <span className="ui-visually-hidden">Contact: </span>
          {turn.input.text}
        </li>
      ) : turn.input.kind === 'opt_out' ? (
        <li className="chat__bubble chat__bubble--in">STOP</li>
      ) : (
        <li className="chat__event">{turn.input.minutes} minutes pass</li>
      )}
      {answering ||
      condition ||
      turn.tags.length ||
      turn.goals.length ||
      turn.fieldSaves.length ||
      turn.contactLookups.length ? (
        <li className="chat__facts" data-testid="simulator-facts">
          {answering && turn.input.kind === 'reply' ? <span>Reply to {answering}</span> : null}
          {condition ? (
            <Badge tone={turn.matched === 'fallback' ? 'warning' : 'info'}>{condition}</Badge>
          ) : null}
          {turn.tags.map((tag, index) => (
            <Badge key={`t${index}`} tone="success">
              Tag: {tagName(tag.tagId)}
            </Badge>
          ))}
          {turn.goals.map((goal, index) => (
            <Badge key={`g${index}`} tone="success">
              Keap API goal: {goal.integration}.{goal.callName}
            </Badge>
          ))}
          {turn.fieldSaves.map((save, index) => (
            <Badge key={`f${index}`} tone="neutral">
              Saves “{save.value}” to {fieldName(save.field)}
            </Badge>
          ))}
          {turn.contactLookups.map((lookup, index) => (
            <Badge key={`l${index}`} tone="neutral">
              Finds the Keap contact by{' '}
              {lookup.email ? `email ${lookup.email}` : `phone ${lookup.phone}`}
            </Badge>
          ))}
          {turn.noteWritten ? <Badge tone="neutral">Writes the note</Badge> : null}
        </li>
      ) : null}
      {turn.messages.map((message, index) => (
        <li key={index} className="chat__bubble chat__bubble--out">
          <span className="ui-visually-hidden">Sequence: </span>
          {message.body.trim() ? (
            <span className="chat__text">{message.body}</span>
          ) : (
            <span className="muted">(no text)</span>
          )}
          {message.mediaUrls.length ? (
            <span className="chat__media">+ {message.mediaUrls.length} media</span>
          ) : (
            <SentSize body={message.body} />
          )}
          {message.purpose !== 'step' ? (
            <span className="chat__purpose">
              {message.purpose === 'reask' ? 'asks again' : 'reminder'}
            </span>
          ) : null}
        </li>
      ))}
      {turn.endedWith ? (
        <li className="chat__event">Conversation ended: {turn.endedWith.replace(/_/g, ' ')}</li>
      ) : null}
    </>
  );
}

/** The size of the exact text sent, as Twilio bills it. */
function SentSize({ body }: { body: string }) {
  const facts = smsFacts(body);
  if (facts.segments === 0) return null;
  return (
    <span className="chat__meta">
      {facts.characters} characters · {facts.segments}{' '}
      {facts.segments === 1 ? 'segment' : 'segments'} · {facts.encoding}
    </span>
  );
}

/** "Matched condition 2: reply is at least 18", in the words the map and the funnel use. */
function matchedConditionText(
  tool: ToolDefinition,
  stepId: string | null,
  matched: { conditionId: string; conditionIndex: number },
  fieldName: (key: string) => string,
): string {
  const heading = `Matched condition ${matched.conditionIndex + 1}`;
  const next = tool.steps.find((step) => step.id === stepId)?.next;
  const condition =
    next?.kind === 'decide'
      ? next.conditions.find((candidate) => candidate.id === matched.conditionId)
      : undefined;
  return condition
    ? `${heading}: ${describeCondition(condition, { fieldLabel: fieldName })}`
    : heading;
}
