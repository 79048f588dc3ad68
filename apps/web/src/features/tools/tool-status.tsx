import { Badge } from '@sms-seq/ui';
import type { ToolSummary } from '../../api/api.types';

/** Draft, live or paused with its version, and whether the draft has changes not yet published. */
export function ToolStatus({
  tool,
}: {
  tool: Pick<ToolSummary, 'status' | 'publishedVersion' | 'hasUnpublishedChanges' | 'enabled'>;
}) {
  if (tool.status === 'draft' || tool.publishedVersion === null)
    return <Badge tone="neutral">Draft</Badge>;
  return (
    <span className="row row--tight">
      <Badge tone={tool.enabled ? 'success' : 'warning'}>
        {tool.enabled ? `Live · v${tool.publishedVersion}` : `Paused · v${tool.publishedVersion}`}
      </Badge>
      {tool.hasUnpublishedChanges ? <Badge tone="info">Unpublished changes</Badge> : null}
    </span>
  );
}
