import { useMemo } from 'react';
import { useParams } from 'react-router-dom';
import { STANDARD_CONTACT_FIELDS } from '@sms-seq/engine';
import { Alert, Button, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { AccountField } from '../../api/api.types';
import { useAccountFields, useTags } from '../../api/use-keap';
import { useSenders } from '../../api/use-twilio';
import { useTool } from '../../api/use-tools';
import { useDraftReplacements } from '../../api/use-versions';
import { ToolEditor } from './tool-editor';

/** The engine's standard catalogue, until (or if) the account's own field list arrives. */
const STANDARD_FIELDS: AccountField[] = STANDARD_CONTACT_FIELDS.filter(
  (field) => !field.readOnly,
).map((field) => ({
  key: field.key,
  label: field.label,
  kind: field.kind,
  custom: false,
}));

export default function ToolEditorPage() {
  const { toolId = '' } = useParams();
  const tool = useTool(toolId);
  // A restored version or a discarded draft starts the editor again from the new draft.
  const draftReplacements = useDraftReplacements(toolId);
  const fields = useAccountFields();
  const tags = useTags();
  // Prefetched with the tool on a direct open (app.tsx): not asked for twice. Connecting Twilio
  // and buying a number refresh it (invalidation).
  const senders = useSenders(true, { staleTime: 30_000 });
  const accountFields = useMemo(() => {
    const list = fields.data ?? STANDARD_FIELDS;
    return list.filter((field) => field.key !== 'Id');
  }, [fields.data]);

  if (tool.isPending) return <Loading label="Loading the tool…" />;
  if (tool.isError)
    return (
      <Alert
        tone="danger"
        title="The tool could not be loaded"
        actions={<Button onClick={() => void tool.refetch()}>Try again</Button>}
      >
        {errorMessage(tool.error)}
      </Alert>
    );
  return (
    <>
      {fields.isError ? (
        <Alert tone="warning">
          Your Keap custom fields could not be loaded ({errorMessage(fields.error)}); only standard
          fields are listed.
        </Alert>
      ) : null}
      {tags.isError ? (
        <Alert tone="warning">Your Keap tags could not be loaded: {errorMessage(tags.error)}</Alert>
      ) : null}
      <ToolEditor
        key={`${tool.data.id}:${draftReplacements}`}
        tool={tool.data}
        fields={accountFields}
        tags={tags.data ?? []}
        tagsLoading={tags.isPending}
        senders={senders.data}
        sendersError={
          senders.isError
            ? `Your Twilio numbers could not be loaded: ${errorMessage(senders.error)}`
            : null
        }
        customFieldsKnown={fields.isSuccess}
      />
    </>
  );
}
