import { Link } from 'react-router-dom';
import type { ToolDetail } from '../../api/api.types';
import { toolExportUrl } from '../../api/use-tools';
import { usePageHeading } from '../../app/page-heading';
import { ToolStatus } from '../tools/tool-status';
import { SaveIndicator } from './save-indicator';
import type { SaveState } from './use-autosave';

export interface EditorHeaderProps {
  tool: ToolDetail;
  /** The tool's name as typed (the saved one while the field is empty). */
  name: string;
  saveState: SaveState;
  onRetrySave: () => void;
}

/** The editor's bar: the tool's name, status and save state, and the links to its other screens. */
export function EditorHeader({ tool, name, saveState, onRetrySave }: EditorHeaderProps) {
  const heading = usePageHeading<HTMLHeadingElement>(name);
  return (
    <header className="editor-bar">
      <div>
        <p className="breadcrumb">
          <Link to="/">Tools</Link> ›
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {name}
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
          <SaveIndicator state={saveState} onRetry={onRetrySave} />
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
  );
}
