import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Controller,
  FormProvider,
  useFieldArray,
  useForm,
  useFormContext,
  useWatch,
} from 'react-hook-form';
import { Link } from 'react-router-dom';
import {
  PHONE_FIELD_KEYS,
  REQUEST_EMAIL_STEP_ID,
  requestEmailStep,
  toolDefinitionSchema,
  type Problem,
  type SendWindow,
  type ToolDefinition,
} from '@sms-seq/engine';
import { Alert, Badge, Button, Card, Field, Tabs } from '@sms-seq/ui';
import { ApiError, errorMessage, fitsKeepalive } from '../../api/api-client';
import type { AccountField, AccountTag, Senders, ToolDetail } from '../../api/api.types';
import { useCreateTag } from '../../api/use-keap';
import { toolExportUrl, usePublishTool, useSaveDraft } from '../../api/use-tools';
import { BuyNumberDialog } from '../connect/buy-number-dialog';
import { Simulator } from '../simulator/simulator';
import { ToolStatus } from '../tools/tools-page';
import { EditorContext, useEditor, type EditorContextValue } from './editor-context';
import { newStep } from './new-ids';
import { TagSelect } from './pickers';
import { fieldMessages, focusPath } from './problem-index';
import { heldReason, useLeaveGuard, type SaveResult } from './leave-guard';
import { PublishPanel } from './publish-panel';
import { savableDraft } from './savable-draft';
import { optionToSender, senderToOption } from './sender-label';
import { StepEditor, stepLabel } from './step-editor';
import { useLiveProblems } from './use-live-problems';
import { usePageHeading } from '../../app/page-heading';

export interface ToolEditorProps {
  tool: ToolDetail;
  fields: AccountField[];
  tags: AccountTag[];
  tagsLoading: boolean;
  senders: Senders | undefined;
  sendersError: string | null;
  /** Whether `fields` is the account's own list (so custom fields can be checked), not the fallback. */
  customFieldsKnown: boolean;
}

// The map library (React Flow, dagre, d3) is its own chunk: the form renders first, the map
// joins it when its code has arrived (measured: about 200 KB of the editor's minified code).
const SequenceMap = lazy(() =>
  import('../sequence-map/sequence-map').then((module) => ({ default: module.SequenceMap })),
);

const AUTOSAVE_DELAY_MS = 800;
type SaveState =
  | { kind: 'saved' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  /** Saved, except the fields the schema refuses (kept at their saved value until fixed). */
  | { kind: 'held'; problems: Problem[] }
  | { kind: 'failed'; message: string }
  | { kind: 'conflict' };
const CONFLICT_REASON =
  'This tool was changed somewhere else (another tab or person), so your changes here cannot be saved. Reload to see the latest version.';

/** The tool editor: the seed's form field by field, with the live sequence map and the simulator beside it. */
export function ToolEditor({
  tool,
  fields,
  tags,
  tagsLoading,
  senders,
  sendersError,
  customFieldsKnown,
}: ToolEditorProps) {
  const form = useForm<ToolDefinition>({ defaultValues: tool.draft, mode: 'onChange' });
  const { control, register, setValue } = form;
  const steps = useFieldArray({ control, name: 'steps', keyName: 'fieldKey' });
  // Every change (typing, setValue, field-array edits) goes through one subscription; a snapshot
  // per distinct content gives the memos below a new value exactly when something changed.
  const [watchedJson, setWatchedJson] = useState(() => JSON.stringify(tool.draft));
  useEffect(() => {
    const subscription = form.watch((all) => setWatchedJson(JSON.stringify(all)));
    return () => subscription.unsubscribe();
  }, [form]);
  const values = useMemo(() => JSON.parse(watchedJson) as ToolDefinition, [watchedJson]);

  const customFieldKeys = useMemo(
    () =>
      customFieldsKnown
        ? fields.filter((field) => field.custom).map((field) => field.key)
        : undefined,
    [fields, customFieldsKnown],
  );
  // The server's verdict on the draft it last saved (the tool detail of the last load or save).
  const server = useMemo(
    () => ({ draft: tool.draft, problems: tool.problems }),
    [tool.draft, tool.problems],
  );
  const live = useLiveProblems(values, customFieldKeys, server);
  const heading = usePageHeading<HTMLHeadingElement>(values.name || tool.name);

  // Autosave: the draft is saved shortly after the last change, one request at a time; leaving
  // the editor (another screen, closing the tab) saves what is pending first (useLeaveGuard).
  const { mutateAsync: saveDraft } = useSaveDraft(tool.id);
  const revision = useRef(tool.draftRevision);
  // Compared in the schema's key order: the stored draft comes back from PostgreSQL (jsonb) with
  // its keys reordered, and comparing raw would autosave an unchanged draft on every open, which
  // made a second tab that merely opened the tool take the first one's revision (a false conflict).
  const savedDraft = useRef<ToolDefinition>(
    toolDefinitionSchema.safeParse(tool.draft).data ?? tool.draft,
  );
  const lastSaved = useRef(JSON.stringify(savedDraft.current));
  const inFlight = useRef<{ json: string; done: Promise<SaveResult> } | null>(null);
  const conflicted = useRef(false);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'saved' });

  /** What the autosave would send now, and whether it differs from what the server has. */
  const pending = useCallback(() => {
    const savable = savableDraft(form.getValues(), savedDraft.current);
    const json = savable ? JSON.stringify(savable.draft) : null;
    return { savable, json, changed: json !== lastSaved.current };
  }, [form]);

  const settledState = useCallback((): SaveState => {
    const now = pending();
    if (!now.savable) return { kind: 'failed', message: 'this draft cannot be read' };
    if (now.changed) return { kind: 'dirty' };
    return now.savable.held.length
      ? { kind: 'held', problems: now.savable.held }
      : { kind: 'saved' };
  }, [pending]);

  const saveNow = useCallback(async (): Promise<SaveResult> => {
    // One request at a time: each carries the revision the one before it answered.
    while (inFlight.current) await inFlight.current.done;
    if (conflicted.current) return { ok: false, reason: CONFLICT_REASON };
    const { savable, json, changed } = pending();
    if (!savable || json === null)
      return { ok: false, reason: 'The draft cannot be read, so it cannot be saved.' };
    const result = (): SaveResult =>
      savable.held.length ? { ok: false, reason: heldReason(savable.held) } : { ok: true };
    if (!changed) {
      setSaveState(settledState());
      return result();
    }
    const done = (async (): Promise<SaveResult> => {
      setSaveState({ kind: 'saving' });
      try {
        const saved = await saveDraft({ draft: savable.draft, draftRevision: revision.current });
        revision.current = saved.draftRevision;
        lastSaved.current = json;
        savedDraft.current = savable.draft;
        return result();
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          conflicted.current = true;
          return { ok: false, reason: CONFLICT_REASON };
        }
        return {
          ok: false,
          reason: `The draft could not be saved: ${errorMessage(error)}`,
          failed: errorMessage(error),
        };
      }
    })();
    inFlight.current = { json, done };
    const outcome = await done;
    if (inFlight.current?.done === done) inFlight.current = null;
    setSaveState(
      conflicted.current
        ? { kind: 'conflict' }
        : !outcome.ok && outcome.failed
          ? { kind: 'failed', message: outcome.failed }
          : settledState(),
    );
    return outcome;
  }, [pending, saveDraft, settledState]);

  // The timer below must survive re-renders; it calls whatever saveNow is current when it fires.
  const saveNowRef = useRef(saveNow);
  useEffect(() => {
    saveNowRef.current = saveNow;
  }, [saveNow]);

  useEffect(() => {
    if (conflicted.current) return undefined;
    const now = pending();
    if (!now.changed) {
      // Changed and changed back (a step added and removed before the autosave fired): nothing to save.
      if (!inFlight.current) setSaveState(settledState());
      return undefined;
    }
    setSaveState((state) => (state.kind === 'saving' ? state : { kind: 'dirty' }));
    const timer = setTimeout(() => void saveNowRef.current(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [watchedJson, pending, settledState]);

  const leaving = useLeaveGuard({
    unsaved: () => {
      const now = pending();
      return inFlight.current !== null || now.changed || (now.savable?.held.length ?? 1) > 0;
    },
    saveNow: () => saveNowRef.current(),
    // Closing the tab: a save that can go now goes with keepalive (it outlives the page); one
    // that cannot (held fields, a failed or conflicting save, one already in flight with more
    // changes after it) makes the browser ask first.
    canFinishWhileClosing: () => {
      if (conflicted.current) return false;
      const now = pending();
      if (!now.savable || now.savable.held.length || now.json === null) return false;
      if (!now.changed) return true;
      if (inFlight.current) return inFlight.current.json === now.json;
      if (!fitsKeepalive(now.json)) return false;
      void saveNowRef.current();
      return true;
    },
  });

  const publish = usePublishTool(tool.id);
  const [publishProblems, setPublishProblems] = useState<string[] | null>(null);
  const onPublish = async () => {
    setPublishProblems(null);
    if (!(await saveNow()).ok) return;
    publish.mutate(undefined, {
      onError: (error) => {
        if (error instanceof ApiError && Array.isArray(error.details)) {
          setPublishProblems(
            (error.details as { message: string }[]).map((problem) => problem.message),
          );
        }
      },
    });
  };

  const createTag = useCreateTag();
  const context: EditorContextValue = useMemo(
    () => ({
      fields,
      tags,
      tagsLoading,
      problems: live.problems,
      createTag: async (name) => (await createTag.mutateAsync(name)).id,
      addStep: (name) => {
        const step = newStep(name);
        steps.append(step, { shouldFocus: false });
        return step.id;
      },
    }),
    [fields, tags, tagsLoading, live.problems, createTag, steps],
  );

  const [buying, setBuying] = useState(false);
  const [side, setSide] = useState<'map' | 'simulator'>('map');
  const problems = live.problems;
  const messagesAt = (key: string) => fieldMessages(problems.at(key));
  const stepOptions = (values.steps ?? []).map((step, index) => ({
    id: step.id,
    label: stepLabel(step, index),
  }));
  const keywordMode = values.startMode === 'keyword_or_http';
  const hasEmailStep = (values.steps ?? []).some((step) => step.id === REQUEST_EMAIL_STEP_ID);
  const selectedService = senders?.messagingServices.find(
    (service) =>
      values.sender?.kind === 'messaging_service' &&
      service.sid === values.sender.messagingServiceSid,
  );

  const jumpToStep = useCallback((index: number) => {
    const card = document.getElementById(`step-${index}`);
    card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    // After the click has finished its own focus handling.
    requestAnimationFrame(() =>
      card?.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true }),
    );
  }, []);

  return (
    <EditorContext.Provider value={context}>
      <FormProvider {...form}>
        <div className="editor">
          <header className="editor-bar">
            <div>
              <p className="breadcrumb">
                <Link to="/">Tools</Link> ›
              </p>
              <h1 ref={heading} tabIndex={-1}>
                {values.name || tool.name}
              </h1>
              <div className="row row--tight">
                <ToolStatus
                  tool={{
                    status: tool.publishedVersion ? 'published' : 'draft',
                    publishedVersion: tool.publishedVersion?.version ?? null,
                    hasUnpublishedChanges: tool.hasUnpublishedChanges,
                    enabled: tool.enabled,
                  }}
                />
                <SaveIndicator state={saveState} onRetry={() => void saveNow()} />
              </div>
            </div>
            <div className="row row--tight">
              <a className="ui-button ui-button--ghost" href={toolExportUrl(tool.id)} download>
                Export JSON
              </a>
              {tool.publishedVersion ? (
                <Link className="ui-button ui-button--ghost" to={`/tools/${tool.id}/analytics`}>
                  Analytics
                </Link>
              ) : null}
              <Link
                className="ui-button ui-button--ghost"
                to={`/conversations?toolId=${encodeURIComponent(tool.id)}`}
              >
                Conversations
              </Link>
            </div>
          </header>
          {saveState.kind === 'conflict' ? (
            <Alert
              tone="danger"
              title="This tool was changed somewhere else"
              actions={
                <Button
                  onClick={() => {
                    leaving.onPurpose();
                    window.location.reload();
                  }}
                >
                  Reload
                </Button>
              }
            >
              Reload to see the latest version; your last changes here were not saved.
            </Alert>
          ) : null}

          <PublishPanel
            tool={tool}
            problems={problems}
            publishing={publish.isPending}
            publishError={publish.isError ? errorMessage(publish.error) : null}
            serverProblems={publishProblems}
            publishWarnings={publish.data?.warnings ?? []}
            steps={stepOptions}
            onPublish={() => void onPublish()}
          />

          <div className="editor-columns">
            <form
              className="editor-form"
              aria-label="Tool settings"
              onSubmit={(e) => e.preventDefault()}
              noValidate
            >
              <Card title="1. How would you like to start this SMS sequence?">
                <fieldset className="radio-group" data-path="startMode" tabIndex={-1}>
                  <legend className="ui-visually-hidden">Start mode</legend>
                  <label className="radio">
                    <input type="radio" value="keyword_or_http" {...register('startMode')} /> Both
                    via text of a keyword or an HTTP Post in a campaign
                  </label>
                  <label className="radio">
                    <input type="radio" value="http_only" {...register('startMode')} /> Only via
                    HTTP Post in a campaign sequence
                  </label>
                </fieldset>
              </Card>

              <Card title="2. Who sends the texts">
                <Controller
                  control={control}
                  name="sender"
                  render={({ field }) => (
                    <Field
                      label="Which Twilio phone number would you like to use?"
                      hint={
                        sendersError ??
                        'A number of your Twilio account, or a messaging service. “+” buys a new number.'
                      }
                      {...messagesAt('sender')}
                      warning={
                        [
                          messagesAt('sender').warning,
                          selectedService && !selectedService.stickySender
                            ? 'Turn on Sticky Sender for this messaging service in Twilio, so every step comes from the same number.'
                            : null,
                        ]
                          .filter(Boolean)
                          .join(' ') || null
                      }
                      action={
                        <Button
                          size="small"
                          aria-label="Buy a new phone number"
                          title="Buy a new phone number"
                          onClick={() => setBuying(true)}
                        >
                          +
                        </Button>
                      }
                    >
                      {(props) => (
                        <select
                          {...props}
                          data-path="sender"
                          className="ui-input"
                          value={senderToOption(field.value)}
                          onChange={(e) => field.onChange(optionToSender(e.target.value))}
                        >
                          <option value="">
                            {senders ? 'Choose a number…' : 'Loading numbers…'}
                          </option>
                          {senders?.phoneNumbers.length ? (
                            <optgroup label="Phone numbers">
                              {senders.phoneNumbers.map((number) => (
                                <option
                                  key={number.sid}
                                  value={`phone_number:${number.phoneNumber}`}
                                >
                                  {number.phoneNumber}
                                  {number.friendlyName && number.friendlyName !== number.phoneNumber
                                    ? ` — ${number.friendlyName}`
                                    : ''}
                                </option>
                              ))}
                            </optgroup>
                          ) : null}
                          {senders?.messagingServices.length ? (
                            <optgroup label="Messaging services">
                              {senders.messagingServices.map((service) => (
                                <option
                                  key={service.sid}
                                  value={`messaging_service:${service.sid}`}
                                >
                                  {service.friendlyName}
                                </option>
                              ))}
                            </optgroup>
                          ) : null}
                          {field.value && senders && !senderKnown(field.value, senders) ? (
                            <option value={senderToOption(field.value)}>
                              {senderToOption(field.value).split(':')[1]} (not in your Twilio
                              account)
                            </option>
                          ) : null}
                        </select>
                      )}
                    </Field>
                  )}
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
                            PHONE_FIELD_KEYS.includes(field.key) ||
                            (field.custom && field.kind === 'phone'),
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
                      <input type="checkbox" {...register('collectEmailFirst')} /> Collect the email
                      address first (recommended: prevents duplicate contacts)
                    </label>
                    {fieldMessages(problems.at('collectEmailFirst')).error ? (
                      <p className="ui-field__error">
                        {fieldMessages(problems.at('collectEmailFirst')).error}
                      </p>
                    ) : null}
                    {values.collectEmailFirst && !hasEmailStep ? (
                      <Alert
                        tone="info"
                        actions={
                          <Button onClick={() => steps.prepend(requestEmailStep())}>
                            Add “Request Email Address”
                          </Button>
                        }
                      >
                        The first step should ask for the email address.
                      </Alert>
                    ) : null}
                    {!values.collectEmailFirst && hasEmailStep ? (
                      <Alert tone="info">
                        You are not collecting the email first: remove the “Request Email Address”
                        step below.
                      </Alert>
                    ) : null}
                  </>
                ) : null}
              </Card>

              <Card title="3. Sequence steps" data-path="steps" tabIndex={-1}>
                {fieldMessages(problems.at('steps')).error ? (
                  <p className="ui-field__error">{fieldMessages(problems.at('steps')).error}</p>
                ) : null}
                {fieldMessages(problems.at('steps')).warning ? (
                  <p className="ui-field__warning">{fieldMessages(problems.at('steps')).warning}</p>
                ) : null}
                <div className="stack">
                  {steps.fields.map((step, index) => (
                    <StepEditor
                      key={step.fieldKey}
                      index={index}
                      count={steps.fields.length}
                      steps={stepOptions}
                      onRemove={() => steps.remove(index)}
                      onMove={(to) => steps.move(index, to)}
                    />
                  ))}
                </div>
                <Button
                  variant="primary"
                  onClick={() => {
                    steps.append(newStep(`Message #${steps.fields.length + 1}`), {
                      shouldFocus: false,
                    });
                    requestAnimationFrame(() => jumpToStep(steps.fields.length));
                  }}
                >
                  + Add sequence step message
                </Button>
              </Card>

              <Card title="4. Additional options">
                <label className="checkbox">
                  <input type="checkbox" {...register('options.createNote')} /> Create a note on the
                  contact record with this conversation
                </label>
                <div className="grid-2">
                  <Controller
                    control={control}
                    name="options.optOutTagId"
                    render={({ field }) => (
                      <Field
                        label="If this number has opted out of receiving texts, apply this tag"
                        {...messagesAt('options.optOutTagId')}
                      >
                        {(props) => (
                          <TagSelect
                            value={field.value}
                            onChange={field.onChange}
                            control={{ ...props, 'data-path': 'options.optOutTagId' }}
                            when="to numbers that have opted out"
                          />
                        )}
                      </Field>
                    )}
                  />
                  <Controller
                    control={control}
                    name="options.invalidNumberTagId"
                    render={({ field }) => (
                      <Field
                        label="If this is not a valid mobile number, apply this tag"
                        {...messagesAt('options.invalidNumberTagId')}
                      >
                        {(props) => (
                          <TagSelect
                            value={field.value}
                            onChange={field.onChange}
                            control={{ ...props, 'data-path': 'options.invalidNumberTagId' }}
                            when="to numbers that are not valid mobile numbers"
                          />
                        )}
                      </Field>
                    )}
                  />
                  <Field
                    label="End an unanswered conversation after (hours)"
                    hint="So nobody is stuck: the contact can start a sequence again afterwards."
                    {...messagesAt('options.expiryMinutes')}
                  >
                    {(props) => (
                      <Controller
                        control={control}
                        name="options.expiryMinutes"
                        render={({ field }) => (
                          <input
                            {...props}
                            data-path="options.expiryMinutes"
                            className="ui-input"
                            type="number"
                            min={1}
                            step="any"
                            value={
                              Number.isFinite(field.value)
                                ? Math.round((field.value / 60) * 100) / 100
                                : ''
                            }
                            onChange={(e) =>
                              field.onChange(
                                e.target.value === ''
                                  ? Number.NaN
                                  : Math.round(Number(e.target.value) * 60),
                              )
                            }
                          />
                        )}
                      />
                    )}
                  </Field>
                  <Controller
                    control={control}
                    name="options.reminderMinutesBeforeExpiry"
                    render={({ field }) => (
                      <Field
                        label="Send a reminder before it ends (minutes before; empty for none)"
                        {...fieldMessages(problems.under('options.reminderMinutesBeforeExpiry'))}
                      >
                        {(props) => (
                          <input
                            {...props}
                            data-path="options.reminderMinutesBeforeExpiry"
                            className="ui-input"
                            type="number"
                            min={1}
                            value={field.value ?? ''}
                            onChange={(e) =>
                              field.onChange(e.target.value === '' ? null : Number(e.target.value))
                            }
                          />
                        )}
                      </Field>
                    )}
                  />
                </div>
                {values.options?.reminderMinutesBeforeExpiry ? (
                  <Field
                    label="Reminder message"
                    hint="Sent once when the contact has not replied; leave empty for a standard sentence."
                    {...messagesAt('options.reminderMessage')}
                  >
                    {(props) => (
                      <input
                        {...props}
                        data-path="options.reminderMessage"
                        className="ui-input"
                        {...register('options.reminderMessage')}
                      />
                    )}
                  </Field>
                ) : null}
                <Controller
                  control={control}
                  name="options.maxReasks"
                  render={({ field }) => (
                    <Field
                      label="When a reply is not what a step asks for, ask again up to (times)"
                      hint="For steps that check the reply (email or number). After that, the sequence moves on."
                      {...fieldMessages(problems.under('options.maxReasks'))}
                    >
                      {(props) => (
                        <input
                          {...props}
                          data-path="options.maxReasks"
                          className="ui-input ui-input--short"
                          type="number"
                          min={0}
                          max={5}
                          step={1}
                          value={Number.isFinite(field.value) ? field.value : ''}
                          onChange={(e) =>
                            field.onChange(
                              e.target.value === '' ? Number.NaN : Number(e.target.value),
                            )
                          }
                        />
                      )}
                    </Field>
                  )}
                />
                <SendWindowFields />
              </Card>

              <Card title="5. Tool name">
                <Field
                  label="Tool name"
                  hint="Only you see it; contacts never do."
                  {...messagesAt('name')}
                >
                  {(props) => (
                    <input {...props} data-path="name" className="ui-input" {...register('name')} />
                  )}
                </Field>
              </Card>
            </form>

            <aside className="editor-side" aria-label="Sequence map and simulator">
              <Tabs
                label="Beside the editor"
                items={[
                  { key: 'map', label: 'Sequence map' },
                  { key: 'simulator', label: 'Simulator' },
                ]}
                selected={side}
                onSelect={setSide}
              >
                {side === 'map' ? (
                  <Suspense
                    fallback={
                      <div className="sequence-map sequence-map--loading" role="status">
                        Drawing the sequence map…
                      </div>
                    }
                  >
                    <SequenceMap
                      tool={values}
                      problems={problems}
                      fields={fields}
                      onSelectStep={jumpToStep}
                    />
                  </Suspense>
                ) : (
                  <Simulator
                    tool={live.tool}
                    tags={tags}
                    fields={fields}
                    hasErrors={problems.errors.length > 0}
                  />
                )}
              </Tabs>
              <ProblemList problems={problems.all} />
            </aside>
          </div>
          {/* Outside the editor's form: the dialog has a form of its own (forms do not nest). */}
          <BuyNumberDialog
            open={buying}
            onClose={() => setBuying(false)}
            onBought={(number) =>
              setValue(
                'sender',
                { kind: 'phone_number', phoneNumber: number.phoneNumber },
                { shouldDirty: true },
              )
            }
          />
          {leaving.dialog}
        </div>
      </FormProvider>
    </EditorContext.Provider>
  );

  function senderKnown(sender: NonNullable<ToolDefinition['sender']>, list: Senders) {
    return sender.kind === 'phone_number'
      ? list.phoneNumbers.some((number) => number.phoneNumber === sender.phoneNumber)
      : list.messagingServices.some((service) => service.sid === sender.messagingServiceSid);
  }
}

const DEFAULT_SEND_WINDOW: SendWindow = {
  start: '09:00',
  end: '20:00',
  defaultTimeZone: 'America/New_York',
};
const COMMON_TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];

/** Every IANA zone this browser knows, the usual US ones first. */
function timeZoneOptions(current: string): string[] {
  const all =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...COMMON_TIME_ZONES, current, ...all])];
}

/** Quiet hours: texts due outside the window wait until it opens, in the contact's time zone. */
function SendWindowFields() {
  const { control, register, setValue } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const sendWindow = useWatch({ control, name: 'options.sendWindow' });
  const messages = (key: string) => fieldMessages(problems.under(key));
  return (
    <fieldset className="send-window" data-path="options.sendWindow" tabIndex={-1}>
      <legend>Quiet hours</legend>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={Boolean(sendWindow)}
          onChange={(e) =>
            setValue('options.sendWindow', e.target.checked ? DEFAULT_SEND_WINDOW : null, {
              shouldDirty: true,
            })
          }
        />{' '}
        Only send texts between certain hours (texts due outside them wait until the next morning)
      </label>
      {sendWindow ? (
        <div className="grid-3">
          <Field
            label="Send from"
            hint="Contact’s local time"
            {...messages('options.sendWindow.start')}
          >
            {(props) => (
              <input
                {...props}
                data-path="options.sendWindow.start"
                className="ui-input"
                type="time"
                {...register('options.sendWindow.start')}
              />
            )}
          </Field>
          <Field
            label="Send until"
            hint="Later than “from” for a daytime window"
            {...messages('options.sendWindow.end')}
          >
            {(props) => (
              <input
                {...props}
                data-path="options.sendWindow.end"
                className="ui-input"
                type="time"
                {...register('options.sendWindow.end')}
              />
            )}
          </Field>
          <Field
            label="Time zone when the contact’s is unknown"
            {...messages('options.sendWindow.defaultTimeZone')}
          >
            {(props) => (
              <select
                {...props}
                data-path="options.sendWindow.defaultTimeZone"
                className="ui-input"
                {...register('options.sendWindow.defaultTimeZone')}
              >
                {timeZoneOptions(sendWindow.defaultTimeZone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      ) : null}
    </fieldset>
  );
}

function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  if (state.kind === 'saved') return <span className="save-state">All changes saved</span>;
  if (state.kind === 'saving') return <span className="save-state">Saving…</span>;
  if (state.kind === 'dirty') return <span className="save-state">Unsaved changes</span>;
  if (state.kind === 'conflict') return <Badge tone="danger">Not saved: changed elsewhere</Badge>;
  if (state.kind === 'held')
    return (
      <span className="save-state save-state--failed" role="status">
        {heldReason(state.problems)}
      </span>
    );
  return (
    <span className="save-state save-state--failed" role="alert">
      Not saved: {state.message}{' '}
      <Button size="small" onClick={onRetry}>
        Retry
      </Button>
    </span>
  );
}

/** Every problem, each a button that jumps to the field it is about. */
function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return <p className="all-good">No problems found.</p>;
  return (
    <div className="problem-list" aria-label="Problems">
      <h2>Problems ({problems.length})</h2>
      <ul>
        {problems.map((problem, index) => (
          <li key={index} className={`problem problem--${problem.severity}`}>
            <button type="button" className="link-button" onClick={() => focusPath(problem.path)}>
              <Badge tone={problem.severity === 'error' ? 'danger' : 'warning'}>
                {problem.severity === 'error' ? 'Fix' : 'Check'}
              </Badge>{' '}
              {problem.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
