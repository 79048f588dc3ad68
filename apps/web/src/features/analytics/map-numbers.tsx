import { useMemo, useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { ToolDefinition } from '@sms-seq/engine';
import { Alert, Button } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import { useAnalytics } from '../../api/use-analytics';
import type { MapStats } from '../sequence-map/map-graph';
import { rangeOfDays } from './date-range';
import { DateRangeFields, type DaysPicked } from './date-range-fields';
import { mapStatsOf } from './map-stats';
import { DROPPED_OFF_HELP } from './numbers-help';

/**
 * "Show numbers" on the editor's map: the tool's conversations of all versions, in the days
 * picked, laid over the draft's steps and edges. Nothing is fetched until it is switched on.
 */
export function useMapNumbers(draft: ToolDefinition): {
  controls: ReactNode;
  stats: MapStats | undefined;
} {
  const { toolId = '' } = useParams();
  const [shown, setShown] = useState(false);
  const [days, setDays] = useState<DaysPicked>({ first: '', last: '' });
  const range = rangeOfDays(days.first, days.last);
  const rangeError = 'error' in range ? range.error : undefined;
  const analytics = useAnalytics(
    toolId,
    {
      versionId: null,
      from: 'error' in range ? null : range.from,
      to: 'error' in range ? null : range.to,
    },
    { enabled: shown && !rangeError && toolId !== '' },
  );
  const data = analytics.data;
  const stats = useMemo(
    () => (shown && data && !rangeError ? mapStatsOf(draft, data) : undefined),
    [shown, data, draft, rangeError],
  );
  const controls = (
    <div className="map-numbers">
      <label className="map-numbers__toggle">
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} /> Show
        numbers
      </label>
      {shown ? (
        <>
          <DateRangeFields
            value={days}
            onChange={setDays}
            {...(rangeError ? { error: rangeError } : {})}
          />
          {rangeError ? null : analytics.isError ? (
            <Alert
              tone="danger"
              title="The numbers could not be counted"
              actions={<Button onClick={() => void analytics.refetch()}>Try again</Button>}
            >
              {errorMessage(analytics.error)}
            </Alert>
          ) : (
            <p className="muted small" role="status">
              {!data
                ? 'Counting conversations…'
                : !data.published
                  ? 'No numbers yet: the tool is not published.'
                  : `${data.started} conversation${data.started === 1 ? '' : 's'} of all versions${days.first || days.last ? ' in these dates' : ''}: on each step, how many reached it, replied and dropped off; on each arrow, how many went that way.`}
            </p>
          )}
          <details className="small">
            <summary>What “dropped off” means</summary>
            {DROPPED_OFF_HELP}
          </details>
        </>
      ) : null}
    </div>
  );
  return { controls, stats };
}
