import { useFormContext } from 'react-hook-form';
import { PHONE_FIELD_KEYS, REQUEST_EMAIL_STEP_ID, type ToolDefinition } from '@sms-seq/engine';
import { Alert, Button, Card, Field } from '@sms-seq/ui';
import type { Senders } from '../../api/api.types';
import { useEditor } from './editor-context';
import { fieldMessages } from './problem-index';
import { SenderField } from './sender-field';

export interface SenderCardProps {
  /** The form's values as of the last change. */
  draft: ToolDefinition;
  senders: Senders | undefined;
  sendersError: string | null;
  /** "+" beside the sender: buy a new number. */
  onBuy: () => void;
  /** Puts the "Request Email Address" step first. */
  onAddEmailStep: () => void;
}

/** "Who sends the texts": the sender, the contact's phone field, the keyword and email first. */
export function SenderCard({
  draft,
  senders,
  sendersError,
  onBuy,
  onAddEmailStep,
}: SenderCardProps) {
  const { register } = useFormContext<ToolDefinition>();
  const { fields, problems } = useEditor();
  const messagesAt = (key: string) => fieldMessages(problems.at(key));
  const keywordMode = draft.startMode === 'keyword_or_http';
  const hasEmailStep = (draft.steps ?? []).some((step) => step.id === REQUEST_EMAIL_STEP_ID);
  return (
    <Card title="2. Who sends the texts">
      <SenderField
        senders={senders}
        sendersError={sendersError}
        sender={draft.sender}
        onBuy={onBuy}
      />
      <Field
        label={
          keywordMode
            ? 'Where should we store the requester’s mobile number?'
            : 'Which contact phone number should we send the messages to?'
        }
        {...messagesAt('phoneField')}
      >
        {(props) => (
          <select
            {...props}
            data-path="phoneField"
            className="ui-input"
            {...register('phoneField')}
          >
            {fields
              .filter(
                (field) =>
                  PHONE_FIELD_KEYS.includes(field.key) || (field.custom && field.kind === 'phone'),
              )
              .map((field) => (
                <option key={field.key} value={field.key}>
                  {field.label}
                </option>
              ))}
          </select>
        )}
      </Field>
      {keywordMode ? (
        <>
          <Field
            label="Keyword that starts this sequence"
            hint={
              'Not case-sensitive: texting "blue" or "BLUE " starts a tool whose keyword is BLUE.'
            }
            {...messagesAt('keyword')}
          >
            {(props) => (
              <input
                {...props}
                data-path="keyword"
                className="ui-input"
                {...register('keyword', {
                  setValueAs: (value: string | null) =>
                    value === null || value.trim() === '' ? null : value,
                })}
              />
            )}
          </Field>
          <label className="checkbox" data-path="collectEmailFirst">
            <input type="checkbox" {...register('collectEmailFirst')} /> Collect the email address
            first (recommended: prevents duplicate contacts)
          </label>
          {fieldMessages(problems.at('collectEmailFirst')).error ? (
            <p className="ui-field__error">
              {fieldMessages(problems.at('collectEmailFirst')).error}
            </p>
          ) : null}
          {draft.collectEmailFirst && !hasEmailStep ? (
            <Alert
              tone="info"
              actions={<Button onClick={onAddEmailStep}>Add “Request Email Address”</Button>}
            >
              The first step should ask for the email address.
            </Alert>
          ) : null}
          {!draft.collectEmailFirst && hasEmailStep ? (
            <Alert tone="info">
              You are not collecting the email first: remove the “Request Email Address” step below.
            </Alert>
          ) : null}
        </>
      ) : null}
    </Card>
  );
}
