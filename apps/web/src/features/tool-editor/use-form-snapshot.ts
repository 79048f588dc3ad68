import { useEffect, useMemo, useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';

export interface FormSnapshot {
  /** The form's values as JSON: a new string exactly when its content changed. */
  json: string;
  /** The same values, parsed: a new object exactly when `json` is a new string. */
  values: ToolDefinition;
}

/**
 * Every change (typing, setValue, field-array edits) goes through one subscription; a snapshot
 * per distinct content gives the memos that read it a new value exactly when something changed.
 */
export function useFormSnapshot(
  form: UseFormReturn<ToolDefinition>,
  initial: ToolDefinition,
): FormSnapshot {
  const [json, setJson] = useState(() => JSON.stringify(initial));
  useEffect(() => {
    const subscription = form.watch((all) => setJson(JSON.stringify(all)));
    return () => subscription.unsubscribe();
  }, [form]);
  const values = useMemo(() => JSON.parse(json) as ToolDefinition, [json]);
  return { json, values };
}
