import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, EmptyState, Field, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { StepFunnel } from '../../api/api.types';
import { useAnalytics } from '../../api/use-analytics';
import { useTool, useToolVersions } from '../../api/use-tools';
import { usePageHeading } from '../../app/page-heading';
import { rangeOfDays } from './date-range';
import { DateRangeFields } from './date-range-fields';
import { DROPPED_OFF_HELP } from './numbers-help';

const percent = (part: number, whole: number) =>
  whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–';

/**
 * Per-step funnel of all versions (steps matched by id) or one, for conversations started in a
 * date range: received, replied, dropped off, each branch, opted out, expired.
 */
export default function AnalyticsPage() {
  const { toolId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tool = useTool(toolId);
  const versions = useToolVersions(toolId);
  // Kept in the address, so a reload or a shared link counts the same conversations.
  const versionId = params.get('version') || null;
  const days = { first: params.get('from') ?? '', last: params.get('to') ?? '' };
  const range = rangeOfDays(days.first, days.last);
  const rangeError = 'error' in range ? range.error : undefined;
  const analytics = useAnalytics(
    toolId,
    {
      versionId,
      from: 'error' in range ? null : range.from,
      to: 'error' in range ? null : range.to,
    },
    { enabled: !rangeError },
  );
  const title = `Funnel${tool.data ? `: ${tool.data.name}` : ''}`;
  const heading = usePageHeading<HTMLHeadingElement>(title);
  const setParam = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  const chosenVersion = versions.data?.find((version) => version.id === versionId);
  const dated = Boolean(days.first || days.last);
  const data = analytics.data;

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
          {errorMessage(versions.error)} The funnel below counts all versions.
        </Alert>
      ) : null}
      <div className="row row--end funnel-filters">
        <Field label="Version">
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={versionId ?? ''}
              onChange={(e) => setParam({ version: e.target.value })}
            >
              <option value="">All versions</option>
              {versions.isPending ? <option disabled>Loading versions…</option> : null}
              {(versions.data ?? []).map((version) => (
                <option key={version.id} value={version.id}>
                  Version {version.version} · {new Date(version.publishedAt).toLocaleDateString()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DateRangeFields
          value={days}
          onChange={(next) => setParam({ from: next.first, to: next.last })}
          {...(rangeError ? { error: rangeError } : {})}
        />
        <Button
          onClick={() => void analytics.refetch()}
          busy={analytics.isFetching}
          disabled={Boolean(rangeError)}
        >
          Refresh
        </Button>
      </div>
      <details className="funnel-help">
        <summary>What the numbers mean</summary>
        <p className="small">
          Conversations are counted by the day they started. With all versions, each step is counted
          across every version that had it; a step or condition an older version had is listed when
          someone went through it. Received: the step’s text was sent. Replied: the contact answered
          it. {DROPPED_OFF_HELP}
        </p>
      </details>
      {rangeError ? null : analytics.isPending ? (
        <Loading label="Counting conversations…" />
      ) : analytics.isError ? (
        <Alert
          tone="danger"
          title="The funnel could not be counted"
          actions={<Button onClick={() => void analytics.refetch()}>Try again</Button>}
        >
          {errorMessage(analytics.error)}
        </Alert>
      ) : !data?.published ? (
        <EmptyState title="This tool is not published yet">
          Publish it from the editor; its funnel starts with the first conversation.
        </EmptyState>
      ) : data.started === 0 ? (
        <EmptyState
          title={`No conversations ${chosenVersion ? `on version ${chosenVersion.version} ` : ''}${dated ? 'in these dates' : 'yet'}`}
        >
          {dated || chosenVersion
            ? 'Pick other dates or All versions to see more.'
            : 'Text the keyword or run the campaign, then come back.'}
        </EmptyState>
      ) : (
        <>
          <div className="stats">
            <Stat label="Started" value={data.started} />
            <Stat label="Finished" value={data.finished} />
            <Stat label="Completion" value={percent(data.finished, data.started)} />
            <Stat
              label="Dropped off"
              value={percent(
                data.steps.reduce((sum, step) => sum + step.droppedOff, 0),
                data.started,
              )}
            />
          </div>
          <div className="stack" aria-label="Funnel by step">
            {data.steps.map((step, index) => (
              <FunnelStep key={step.stepId} step={step} index={index} started={data.started} />
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
  const title = step.removed
    ? `${step.name} (no longer in the tool)`
    : `#${index + 1} ${step.name}`;
  return (
    <Card title={title} data-testid={`funnel-step-${step.stepId}`}>
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
          label="Dropped off here"
          count={step.droppedOff}
          width={width(step.droppedOff)}
          tone="bad"
          note={`${percent(step.droppedOff, step.received)} of those sent this step`}
        />
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
  note,
}: {
  label: string;
  count: number;
  width: string;
  tone?: 'main' | 'branch' | 'bad';
  note?: string;
}) {
  return (
    <div className="funnel__row">
      <dt>{label}</dt>
      <dd>
        <span className={`funnel__bar funnel__bar--${tone}`} style={{ width }} aria-hidden="true" />
        <span className="funnel__count">{count}</span>
        {note ? <span className="funnel__percent muted small">{note}</span> : null}
      </dd>
    </div>
  );
}
