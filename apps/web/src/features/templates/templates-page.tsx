import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { ToolTemplate } from '../../api/api.types';
import { useTemplate, useTemplates } from '../../api/use-templates';
import { usePageHeading } from '../../app/page-heading';
import { SequenceMap } from '../sequence-map/sequence-map';
import { indexProblems } from '../tool-editor/problem-index';

// A template is valid as it comes: its map has no problems to mark.
const NO_PROBLEMS = indexProblems([]);

/** Ready sequences: each with what it does and its map; "Use this template" opens a new draft. */
export default function TemplatesPage() {
  const templates = useTemplates();
  const heading = usePageHeading<HTMLHeadingElement>('Templates');
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Start from a template
          </h1>
          <p className="lead">
            Each template is a ready sequence. Using one makes a draft tool you can change before
            you publish it, and adds the tags it needs to Keap (tags you already have are reused).
          </p>
        </div>
        <Link to="/">Back to tools</Link>
      </div>
      {templates.isPending ? (
        <Loading label="Loading the templates…" />
      ) : templates.isError ? (
        <Alert
          tone="danger"
          actions={<Button onClick={() => void templates.refetch()}>Try again</Button>}
        >
          {errorMessage(templates.error)}
        </Alert>
      ) : (
        <div className="template-grid">
          {templates.data.map((template) => (
            <TemplateCard key={template.id} template={template} />
          ))}
        </div>
      )}
    </div>
  );
}

function TemplateCard({ template }: { template: ToolTemplate }) {
  const use = useTemplate();
  const navigate = useNavigate();
  const [shown, setShown] = useState(false);
  return (
    <Card title={template.name} className="template-card" data-testid={`template-${template.id}`}>
      <p>{template.description}</p>
      <SequenceMap tool={template.definition} problems={NO_PROBLEMS} />
      <p className="muted">
        {template.definition.startMode === 'http_only'
          ? 'Started by a Keap campaign (HTTP Post).'
          : `Started by texting ${template.definition.keyword ?? 'its keyword'}, or by a Keap campaign.`}{' '}
        Tags: {template.tags.map((tag) => tag.name).join(', ')}.
      </p>
      <details open={shown} onToggle={(e) => setShown(e.currentTarget.open)}>
        <summary>Read the messages</summary>
        <ol>
          {template.definition.steps.map((step) => (
            <li key={step.id}>
              <strong>{step.name}:</strong> {step.message}
            </li>
          ))}
        </ol>
      </details>
      {use.isError ? <Alert tone="danger">{errorMessage(use.error)}</Alert> : null}
      <div className="row row--end">
        <Button
          variant="primary"
          busy={use.isPending}
          aria-label={`Use this template: ${template.name}`}
          onClick={() =>
            use.mutate(template.id, { onSuccess: (tool) => void navigate(`/tools/${tool.id}`) })
          }
        >
          Use this template
        </Button>
      </div>
    </Card>
  );
}
