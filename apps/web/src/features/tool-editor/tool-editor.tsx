import { useCallback, useMemo, useState } from 'react';
import { FormProvider, useFieldArray, useForm } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';
import { Button } from '@sms-seq/ui';
import type { AccountField, AccountTag, Senders, ToolDetail } from '../../api/api.types';
import { useCreateField, useCreateTag } from '../../api/use-keap';
import { BuyNumberDialog } from '../connect/buy-number-dialog';
import { DeleteStepDialog } from './delete-step-dialog';
import { EditorContext, type EditorContextValue } from './editor-context';
import { EditorHeader } from './editor-header';
import { EditorSide } from './editor-side';
import { newStep } from './new-ids';
import { PublishPanel } from './publish-panel';
import { ConflictAlert } from './save-indicator';
import { stepLabel } from './step-label';
import { routedNext, withoutStep } from './step-pointers';
import { ToolForm } from './tool-form';
import { useAutosave } from './use-autosave';
import { useFormSnapshot } from './use-form-snapshot';
import { useLiveProblems } from './use-live-problems';
import { useUndoHistory } from './use-undo-history';

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
  const steps = useFieldArray({ control: form.control, name: 'steps', keyName: 'fieldKey' });
  const { json, values } = useFormSnapshot(form, tool.draft);

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
  const problems = live.problems;

  const autosave = useAutosave({ form, tool, changes: json });
  const history = useUndoHistory(form);
  // The step whose deletion waits for the marketer's answer (by id: steps may move meanwhile).
  const [deleting, setDeleting] = useState<string | null>(null);

  const createTag = useCreateTag();
  const createField = useCreateField();
  const context: EditorContextValue = useMemo(
    () => ({
      fields,
      tags,
      tagsLoading,
      problems,
      createTag: async (name) => (await createTag.mutateAsync(name)).id,
      createField: async (field) => (await createField.mutateAsync(field)).key,
      addStep: (name) => {
        const step = newStep(name);
        steps.append(step, { shouldFocus: false });
        return step.id;
      },
      removeStep: (index) => setDeleting(form.getValues(`steps.${index}.id`) ?? null),
      moveStep: (from, to) => steps.move(from, to),
    }),
    [fields, tags, tagsLoading, problems, createTag, createField, steps, form],
  );

  /** A route of step `fromStepId` now sends `toStepId` (a drag on the map); not a step: finish. */
  const connect = useCallback(
    (fromStepId: string, conditionIndex: number | null, toStepId: string) => {
      const all = form.getValues('steps');
      const from = all.findIndex((step) => step.id === fromStepId);
      const to = all.some((step) => step.id === toStepId) ? toStepId : null;
      const next = routedNext(all, from, conditionIndex, to);
      if (next) form.setValue(`steps.${from}.next`, next, { shouldDirty: true });
    },
    [form],
  );

  const [buying, setBuying] = useState(false);
  const stepOptions = (values.steps ?? []).map((step, index) => ({
    id: step.id,
    label: stepLabel(step, index),
  }));

  return (
    <EditorContext.Provider value={context}>
      <FormProvider {...form}>
        <div className="editor">
          <EditorHeader
            tool={tool}
            name={values.name || tool.name}
            saveState={autosave.state}
            onRetrySave={() => void autosave.saveNow()}
          />
          {autosave.state.kind === 'conflict' ? <ConflictAlert onReload={autosave.reload} /> : null}
          <div className="row row--tight editor-undo" role="group" aria-label="Undo and redo">
            <Button
              size="small"
              onClick={history.undo}
              disabled={!history.canUndo}
              aria-keyshortcuts="Control+Z"
              title="Undo the last change to the draft (Ctrl+Z)"
            >
              <span aria-hidden="true">↶</span> Undo
            </Button>
            <Button
              size="small"
              onClick={history.redo}
              disabled={!history.canRedo}
              aria-keyshortcuts="Control+Shift+Z"
              title="Redo what was undone (Ctrl+Shift+Z)"
            >
              <span aria-hidden="true">↷</span> Redo
            </Button>
          </div>

          <PublishPanel
            tool={tool}
            problems={problems}
            steps={stepOptions}
            saveFirst={autosave.saveNow}
            saveState={autosave.state}
          />

          <div className="editor-columns">
            <ToolForm
              draft={values}
              steps={steps}
              stepOptions={stepOptions}
              senders={senders}
              sendersError={sendersError}
              onBuy={() => setBuying(true)}
            />
            <EditorSide
              draft={values}
              tool={live.tool}
              problems={problems}
              fields={fields}
              tags={tags}
              stepOptions={stepOptions}
              onConnect={connect}
              onAddStep={() => context.addStep(`Message #${(values.steps ?? []).length + 1}`)}
              onDeleteStep={setDeleting}
            />
          </div>
          {/* Outside the editor's form: the dialog has a form of its own (forms do not nest). */}
          <BuyNumberDialog
            open={buying}
            onClose={() => setBuying(false)}
            onBought={(number) =>
              form.setValue(
                'sender',
                { kind: 'phone_number', phoneNumber: number.phoneNumber },
                { shouldDirty: true },
              )
            }
          />
          <DeleteStepDialog
            steps={values.steps ?? []}
            stepId={deleting}
            onCancel={() => setDeleting(null)}
            onDelete={(index, repointTo) => {
              // One change of the steps (not a removal and then each repointing): one undo.
              steps.replace(withoutStep(form.getValues('steps'), index, repointTo));
              setDeleting(null);
            }}
          />
          {autosave.leaveDialog}
        </div>
      </FormProvider>
    </EditorContext.Provider>
  );
}
