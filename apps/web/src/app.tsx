import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { Loading } from '@sms-seq/ui';
import { ApiError } from './api/api-client';
import { Layout } from './app/layout';
import { fieldsQuery, tagsQuery } from './api/use-keap';
import { toolQuery, toolsQuery } from './api/use-tools';
import { sendersQuery } from './api/use-twilio';
import { ConnectPage } from './features/connect/connect-page';
import { ToolsPage } from './features/tools/tools-page';

// The editor (with the map library) and the rarer screens load on demand, so the tools list
// appears fast and the editor's own chunk is all the editor waits for.
const loadToolEditor = () => import('./features/tool-editor/tool-editor-page');
const ToolEditorPage = lazy(loadToolEditor);
const ConversationsPage = lazy(() => import('./features/conversations/conversations-page'));
const AnalyticsPage = lazy(() => import('./features/analytics/analytics-page'));

const page = (element: React.ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <ToolsPage /> },
      { path: 'connect', element: <ConnectPage /> },
      { path: 'tools/:toolId', element: page(<ToolEditorPage />) },
      { path: 'tools/:toolId/analytics', element: page(<AnalyticsPage />) },
      { path: 'conversations', element: page(<ConversationsPage />) },
      { path: 'conversations/:conversationId', element: page(<ConversationsPage />) },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again; a network blip might.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/**
 * Opening a tool's link directly: fetch the editor's code and data while the session is checked
 * and the code starts, instead of one after the other (measured: about a third of first load).
 */
function prefetchEditor(client: QueryClient) {
  const match = /^\/tools\/([^/]+)\/?$/.exec(window.location.pathname);
  if (!match?.[1]) return;
  void loadToolEditor();
  for (const query of [
    toolQuery(decodeURIComponent(match[1])),
    toolsQuery(),
    fieldsQuery(),
    tagsQuery(),
    sendersQuery(),
  ]) {
    void client.prefetchQuery(query as Parameters<QueryClient['prefetchQuery']>[0]);
  }
}

export function App() {
  const [client] = useState(() => {
    const created = makeQueryClient();
    prefetchEditor(created);
    return created;
  });
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
