import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, Button, Dialog, Field } from '@sms-seq/ui';
import { ApiError, errorMessage } from '../../api/api-client';
import type { ImportMapping, ImportQuestions, ToolImportResult } from '../../api/api.types';
import { useImportTool } from '../../api/use-tools';

/**
 * A tool file from another Keap app being imported: either the choices the import asked for
 * (409 import_needs_choices), or the tool made and how its tags and fields were matched.
 */
export type PendingImport =
  { file: unknown; questions: ImportQuestions } | { file: unknown; result: ToolImportResult };

/** The questions of a 409 import_needs_choices; null for any other failure. */
export function importQuestionsOf(error: unknown): ImportQuestions | null {
  return error instanceof ApiError && error.code === 'import_needs_choices'
    ? (error.details as ImportQuestions)
    : null;
}

/** Shows what an import from another Keap app matched, and asks what it could not match. */
export function ImportToolDialog({
  pending,
  onClose,
}: {
  pending: PendingImport | null;
  onClose: () => void;
}) {
  const name = toolName(pending?.file);
  return (
    <Dialog
      open={pending !== null}
      title={name ? `Import “${name}” from another Keap app` : 'Import from another Keap app'}
      onClose={onClose}
    >
      {pending && 'questions' in pending ? (
        <ImportChoices
          key={JSON.stringify(pending.questions)}
          pending={pending}
          onClose={onClose}
        />
      ) : pending ? (
        <Imported result={pending.result} onClose={onClose} />
      ) : null}
    </Dialog>
  );
}

/** The last step: the tool is made; what it uses here, in words, and the way into it. */
function Imported({ result, onClose }: { result: ToolImportResult; onClose: () => void }) {
  const navigate = useNavigate();
  return (
    <>
      <p>The tool is imported as a draft. Its tags and fields were matched in this Keap app:</p>
      <MappingList mapped={result.mapped} />
      <div className="row row--end">
        <Button onClick={onClose}>Close</Button>
        <Button
          variant="primary"
          data-autofocus
          onClick={() => {
            onClose();
            void navigate(`/tools/${result.id}`);
          }}
        >
          Open the tool
        </Button>
      </div>
    </>
  );
}

function ImportChoices({
  pending,
  onClose,
}: {
  pending: { file: unknown; questions: ImportQuestions };
  onClose: () => void;
}) {
  const importTool = useImportTool();
  const [questions, setQuestions] = useState(pending.questions);
  const [result, setResult] = useState<ToolImportResult | null>(null);
  const [createMissingTags, setCreateMissingTags] = useState(true);
  const [fieldMap, setFieldMap] = useState<Record<string, string>>({});
  if (result) return <Imported result={result} onClose={onClose} />;

  const { mapped, missingTags, unmapped } = questions;
  const unanswered = unmapped.filter((u) => !fieldMap[u.field]).length;
  const submit = () =>
    importTool.mutate(
      {
        file: pending.file,
        choices: { ...(missingTags.length ? { createMissingTags } : {}), fieldMap },
      },
      {
        onSuccess: setResult,
        onError: (error) => {
          const asked = importQuestionsOf(error);
          if (asked) setQuestions(asked);
        },
      },
    );
  return (
    <>
      <p>
        Tags are matched by name and custom fields by label. Choose what to do with those this app
        does not have; nothing is created before you import.
      </p>
      {mapped.length ? (
        <>
          <h3>Matched in this app</h3>
          <MappingList mapped={mapped} />
        </>
      ) : null}
      {missingTags.length ? (
        <>
          <h3>Tags this app does not have</h3>
          <ul>
            {missingTags.map((tag) => (
              <li key={tag}>“{tag}”</li>
            ))}
          </ul>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={createMissingTags}
              onChange={(e) => setCreateMissingTags(e.target.checked)}
            />{' '}
            Create the tags this app does not have
          </label>
          {createMissingTags ? null : (
            <p className="muted">
              The tool will apply no tag where it applied these; choose tags in the editor.
            </p>
          )}
        </>
      ) : null}
      {unmapped.length ? <h3>Fields to choose</h3> : null}
      {unmapped.map((u) => {
        const several = u.candidates.some((c) => sameLabel(c.label, u.label));
        return (
          <Field
            key={u.field}
            label={`Your field for “${u.label}”`}
            hint={
              several
                ? `Several of your fields are called “${u.label}”. Choose the one to use.`
                : `None of your fields is called “${u.label}”. Choose one to use instead.`
            }
          >
            {(props) => (
              <select
                {...props}
                className="ui-input"
                value={fieldMap[u.field] ?? ''}
                onChange={(e) => setFieldMap({ ...fieldMap, [u.field]: e.target.value })}
              >
                <option value="" disabled>
                  Choose a field…
                </option>
                {u.candidates.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
                <option value={u.field}>
                  None of these: I will create or choose it in the editor
                </option>
              </select>
            )}
          </Field>
        );
      })}
      {importTool.isError && !importQuestionsOf(importTool.error) ? (
        <Alert tone="danger" title="The file was not imported">
          {errorMessage(importTool.error)}
        </Alert>
      ) : null}
      <div className="row row--end">
        <Button data-autofocus onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          busy={importTool.isPending}
          disabled={unanswered > 0}
          onClick={submit}
        >
          Import
        </Button>
      </div>
    </>
  );
}

function MappingList({ mapped }: { mapped: ImportMapping[] }) {
  return (
    <ul>
      {mapped.map((m, index) => (
        <li key={index}>{m.message}</li>
      ))}
    </ul>
  );
}

function toolName(file: unknown): string {
  const name = (file as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name.trim() : '';
}

function sameLabel(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
