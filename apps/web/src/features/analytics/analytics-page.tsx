import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, EmptyState, Field, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { StepFunnel } from '../../api/api.types';
import { useAnalytics } from '../../api/use-conversations';
import { useTool, useToolVersions } from '../../api/use-tools';
import { usePageHeading } from '../../app/page-heading';

/** Per-step funnel for one published version: received, replied, each branch, opted out, expired. */
export default function AnalyticsPage() {
  const { toolId = '' } = useParams();
  const tool = useTool(toolId);
  const versions = useToolVersions(toolId);
  const [versionId, setVersionId] = useState<string | null>(null);
  const analytics = useAnalytics(toolId, versionId);
  const title = `Funnel${tool.data ? `: ${tool.data.name}` : ''}`;
  const heading = usePageHeading<HTMLHeadingElement>(title);

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/">Tools</Link> › <Link to={`/tools/${toolId}`}>{tool.data?.name ?? 'Tool'}</Link>{' '}
        ›
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {tool.isError ? (
        <Alert
          tone="danger"
          title="The tool could not be loaded"
          actions={<Button onClick={() => void tool.refetch()}>Try again</Button>}
        >
          {errorMessage(tool.error)}
        </Alert>
      ) : null}
      {versions.isError ? (
        <Alert
          tone="warning"
          title="The list of versions could not be loaded"
          actions={<Button onClick={() => void versions.refetch()}>Try again</Button>}
        >
          {errorMessage(versions.error)} The funnel below is the latest published version.
        </Alert>
      ) : null}
      <div className="row row--end">
        <Field label="Version">
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={versionId ?? ''}
              onChange={(e) => setVersionId(e.target.value || null)}
            >
              <option value="">
                {versions.isPending ? 'Loading versions…' : 'Latest published version'}
              </option>
              {(versions.data ?? []).map((version) => (
                <option key={version.id} value={version.id}>
                  Version {version.version} · {new Date(version.publishedAt).toLocaleDateString()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button onClick={() => void analytics.refetch()} busy={analytics.isFetching}>
          Refresh
        </Button>
      </div>
      {analytics.isPending ? (
        <Loading label="Counting conversations…" />
      ) : analytics.isError ? (
        <Alert
          tone="danger"
          title="The funnel could not be counted"
          actions={<Button onClick={() => void analytics.refetch()}>Try again</Button>}
        >
          {errorMessage(analytics.error)}
        </Alert>
      ) : analytics.data.versionId === null ? (
        <EmptyState title="This tool is not published yet">
          Publish it from the editor; its funnel starts with the first conversation.
        </EmptyState>
      ) : analytics.data.started === 0 ? (
        <EmptyState title="No conversations on this version yet">
          Text the keyword or run the campaign, then come back.
        </EmptyState>
      ) : (
        <>
          <div className="stats">
            <Stat label="Started" value={analytics.data.started} />
            <Stat label="Finished" value={analytics.data.finished} />
            <Stat
              label="Completion"
              value={`${Math.round((analytics.data.finished / analytics.data.started) * 100)}%`}
            />
          </div>
          <div className="stack" aria-label="Funnel by step">
            {analytics.data.steps.map((step, index) => (
              <FunnelStep
                key={step.stepId}
                step={step}
                index={index}
                started={analytics.data.started}
              />
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div className="stat">
      <span className="stat__value">{value}</span>
      <span className="stat__label">{label}</span>
    </div>
  );
}

function FunnelStep({
  step,
  index,
  started,
}: {
  step: StepFunnel;
  index: number;
  started: number;
}) {
  const width = (count: number) =>
    `${started && count ? Math.max(2, Math.round((count / started) * 100)) : 0}%`;
  return (
    <Card title={`#${index + 1} ${step.name}`} data-testid={`funnel-step-${step.stepId}`}>
      <dl className="funnel">
        <FunnelRow label="Received" count={step.received} width={width(step.received)} />
        <FunnelRow label="Replied" count={step.replied} width={width(step.replied)} />
        {step.branches.map((branch) => (
          <FunnelRow
            key={branch.conditionId}
            label={`↳ ${branch.label}`}
            count={branch.count}
            width={width(branch.count)}
            tone="branch"
          />
        ))}
        <FunnelRow
          label="Opted out"
          count={step.optedOut}
          width={width(step.optedOut)}
          tone="bad"
        />
        <FunnelRow label="Expired" count={step.expired} width={width(step.expired)} tone="bad" />
      </dl>
    </Card>
  );
}

function FunnelRow({
  label,
  count,
  width,
  tone = 'main',
}: {
  label: string;
  count: number;
  width: string;
  tone?: 'main' | 'branch' | 'bad';
}) {
  return (
    <div className="funnel__row">
      <dt>{label}</dt>
      <dd>
        <span className={`funnel__bar funnel__bar--${tone}`} style={{ width }} aria-hidden="true" />
        <span className="funnel__count">{count}</span>
      </dd>
    </div>
  );
}
