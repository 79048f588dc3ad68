import { useState, type FormEvent } from 'react';
import { MAX_FALLBACK_LENGTH, mergeToken } from '@sms-seq/engine';
import { Button } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { AccountField, NewField } from '../../api/api.types';
import { useEditor } from './editor-context';

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'data-path': string;
}

/**
 * A tag picker with "+" to create a Keap tag on the spot; value is a Keap tag id or null. `when`
 * finishes the "+" button's name ("Create a new tag to apply when condition 1 of message 2
 * matches"), so each of the editor's many "+" buttons says which field it belongs to.
 */
export function TagSelect({
  value,
  onChange,
  control,
  when,
}: {
  value: number | null;
  onChange: (id: number | null) => void;
  control: ControlProps;
  when: string;
}) {
  const { tags, tagsLoading, createTag } = useEditor();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const known = value === null || tags.some((tag) => tag.id === value);

  const create = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onChange(await createTag(name.trim()));
      setCreating(false);
      setName('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="picker">
      <div className="picker__row">
        <select
          {...control}
          className="ui-input"
          value={value === null ? '' : String(value)}
          onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">{tagsLoading ? 'Loading tags…' : 'No tag'}</option>
          {tags.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {tag.category ? `${tag.category} › ${tag.name}` : tag.name}
            </option>
          ))}
          {known ? null : <option value={String(value)}>Tag #{value} (not found in Keap)</option>}
        </select>
        <Button
          aria-label={`Create a new tag to apply ${when}`}
          title={`Create a new tag to apply ${when}`}
          onClick={() => setCreating((open) => !open)}
          aria-expanded={creating}
        >
          +
        </Button>
      </div>
      {creating ? (
        <div className="picker__create">
          <input
            className="ui-input"
            aria-label={`New tag name (the tag to apply ${when})`}
            placeholder="New tag name"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void create(e);
              if (e.key === 'Escape') setCreating(false);
            }}
          />
          <Button
            size="small"
            variant="primary"
            busy={busy}
            onClick={() => void create()}
            disabled={!name.trim()}
          >
            Create tag
          </Button>
          {error ? (
            <p className="ui-field__error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export interface StepOption {
  id: string;
  label: string;
}

/**
 * A step picker with "Finish" and "+" to create a new step on the spot; value is a step id or null
 * (finish). `when` finishes the "+" button's name ("Create a new step to send when …").
 */
export function StepSelect({
  value,
  onChange,
  steps,
  control,
  when,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  steps: StepOption[];
  control: ControlProps;
  when: string;
}) {
  const { addStep } = useEditor();
  const known = value === null || steps.some((step) => step.id === value);
  return (
    <div className="picker__row">
      <select
        {...control}
        className="ui-input"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">Don’t send anything (finish)</option>
        {steps.map((step) => (
          <option key={step.id} value={step.id}>
            {step.label}
          </option>
        ))}
        {known ? null : <option value={value ?? ''}>Missing step ({value})</option>}
      </select>
      <Button
        aria-label={`Create a new step to send ${when}`}
        title={`Create a new step to send ${when}`}
        onClick={() => onChange(addStep(`Message #${steps.length + 1}`))}
      >
        +
      </Button>
    </div>
  );
}

/**
 * A contact field picker over the account's standard and custom fields. With `create` (which
 * finishes the "+" button's name: "Create a new field to save the reply to message 1 in"), "+"
 * beside it creates a Keap custom field on the spot and picks it.
 */
export function FieldSelect({
  value,
  onChange,
  control,
  allowNone = true,
  noneLabel = 'Don’t save it',
  filter,
  create,
}: {
  value: string | null;
  onChange: (key: string | null) => void;
  control: ControlProps;
  allowNone?: boolean;
  noneLabel?: string;
  filter?: (field: AccountField) => boolean;
  create?: string;
}) {
  const { fields } = useEditor();
  const [creating, setCreating] = useState(false);
  const shown = filter ? fields.filter(filter) : fields;
  const standard = shown.filter((field) => !field.custom);
  const custom = shown.filter((field) => field.custom);
  const known = value === null || shown.some((field) => field.key === value);
  const select = (
    <select
      {...control}
      className="ui-input"
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || null)}
    >
      {allowNone ? <option value="">{noneLabel}</option> : null}
      <optgroup label="Standard fields">
        {standard.map((field) => (
          <option key={field.key} value={field.key}>
            {field.label}
          </option>
        ))}
      </optgroup>
      {custom.length > 0 ? (
        <optgroup label="Custom fields">
          {custom.map((field) => (
            <option key={field.key} value={field.key}>
              {field.label}
            </option>
          ))}
        </optgroup>
      ) : null}
      {known ? null : <option value={value ?? ''}>{value} (unknown field)</option>}
    </select>
  );
  if (!create) return select;
  return (
    <div className="picker">
      <div className="picker__row">
        {select}
        <Button
          aria-label={`Create a new field ${create}`}
          title={`Create a new field ${create}`}
          onClick={() => setCreating((open) => !open)}
          aria-expanded={creating}
        >
          +
        </Button>
      </div>
      {creating ? (
        <NewFieldForm
          purpose={create}
          onCreated={(key) => {
            onChange(key);
            setCreating(false);
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
    </div>
  );
}

const FIELD_TYPES: { value: NewField['type']; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Whole number' },
  { value: 'decimal', label: 'Decimal number' },
  { value: 'date', label: 'Date' },
  { value: 'dropdown', label: 'Choice from a list' },
];

/** The "+" form of the field picker: a label, what the field holds, and a list's choices. */
function NewFieldForm({
  purpose,
  onCreated,
  onCancel,
}: {
  purpose: string;
  onCreated: (key: string) => void;
  onCancel: () => void;
}) {
  const { createField } = useEditor();
  const [label, setLabel] = useState('');
  const [type, setType] = useState<NewField['type']>('text');
  const [choices, setChoices] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const options = choices
    .split('\n')
    .map((choice) => choice.trim())
    .filter(Boolean);
  const ready = label.trim() !== '' && (type !== 'dropdown' || options.length > 0);

  const create = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await createField({
          label: label.trim(),
          type,
          ...(type === 'dropdown' ? { options } : {}),
        }),
      );
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className="picker__create"
      role="group"
      aria-label={`New field ${purpose}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <input
        className="ui-input"
        aria-label={`New field name (the field ${purpose})`}
        placeholder="New field name"
        value={label}
        maxLength={100}
        autoFocus
        onChange={(e) => setLabel(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void create();
          }
        }}
      />
      <select
        className="ui-input"
        aria-label={`What the new field holds (the field ${purpose})`}
        value={type}
        onChange={(e) => setType(e.target.value as NewField['type'])}
      >
        {FIELD_TYPES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {type === 'dropdown' ? (
        <textarea
          className="ui-input"
          aria-label={`The choices, one per line (the field ${purpose})`}
          placeholder={'One choice per line'}
          rows={3}
          value={choices}
          onChange={(e) => setChoices(e.target.value)}
        />
      ) : null}
      <Button
        size="small"
        variant="primary"
        busy={busy}
        onClick={() => void create()}
        disabled={!ready}
      >
        Create field
      </Button>
      {error ? (
        <p className="ui-field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * "Insert merge field": a field picker, an optional text for contacts without a value, and an
 * Insert button. Choosing a field changes nothing by itself (arrow keys move through a closed
 * <select> on some systems); Insert puts the field's token at the message's cursor:
 * `~Contact.Key~`, or `~Contact.Key|text~` when a text for empty fields is given.
 */
export function MergeFieldPicker({
  onPick,
  messageName,
}: {
  onPick: (token: string) => void;
  /** "message 2": names the picker and its button. */
  messageName: string;
}) {
  const { fields } = useEditor();
  const [chosen, setChosen] = useState<string | null>(null);
  const [fallback, setFallback] = useState('');
  const key = chosen ?? fields[0]?.key ?? '';
  const group = (custom: boolean) => fields.filter((field) => field.custom === custom);
  return (
    <div className="merge-picker" role="group" aria-label={`Merge fields for ${messageName}`}>
      <select
        className="ui-input"
        aria-label={`Merge field to insert into ${messageName}`}
        value={key}
        onChange={(e) => setChosen(e.target.value)}
      >
        <optgroup label="Standard fields">
          {group(false).map((field) => (
            <option key={field.key} value={field.key}>
              {field.label}
            </option>
          ))}
        </optgroup>
        {group(true).length > 0 ? (
          <optgroup label="Custom fields">
            {group(true).map((field) => (
              <option key={field.key} value={field.key}>
                {field.label}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <input
        className="ui-input merge-picker__fallback"
        aria-label={`If the contact has no value, show instead (${messageName})`}
        placeholder="If empty, show…"
        title="What the contact reads when the field is empty, e.g. “there” in “Hi there”. Leave blank to leave nothing."
        maxLength={MAX_FALLBACK_LENGTH}
        value={fallback}
        onChange={(e) => setFallback(e.target.value)}
      />
      <Button
        size="small"
        disabled={!key}
        aria-label={`Insert the merge field into ${messageName}`}
        onClick={() => {
          onPick(mergeToken(key, fallback));
          setFallback('');
        }}
      >
        Insert
      </Button>
    </div>
  );
}
