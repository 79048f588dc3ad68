import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { Loading } from '@sms-seq/ui';
import { ApiError } from './api/api-client';
import { Layout } from './app/layout';
import { RouteError } from './app/route-error';
import { fieldsQuery, tagsQuery } from './api/use-keap';
import { toolQuery } from './api/use-tools';
import { sendersQuery } from './api/use-twilio';
import { ConnectPage } from './features/connect/connect-page';
import { ToolsPage } from './features/tools/tools-page';

// The editor (with the map library) and the rarer screens load on demand, so the tools list
// appears fast and the editor's own chunk is all the editor waits for.
const loadToolEditor = () => import('./features/tool-editor/tool-editor-page');
const ToolEditorPage = lazy(loadToolEditor);
const ConversationsPage = lazy(() => import('./features/conversations/conversations-page'));
const AnalyticsPage = lazy(() => import('./features/analytics/analytics-page'));
const OptOutsPage = lazy(() => import('./features/opt-outs/opt-outs-page'));
const TemplatesPage = lazy(() => import('./features/templates/templates-page'));

const page = (element: React.ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

const router = createBrowserRouter([
  {
    element: <Layout />,
    // Only when the frame itself breaks; a screen's failure stays inside the frame (below).
    errorElement: <RouteError />,
    children: [
      {
        // A screen that cannot be drawn (its chunk did not load, or it threw) shows a way out
        // inside the navigation, instead of React Router's developer page.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <ToolsPage /> },
          { path: 'connect', element: <ConnectPage /> },
          { path: 'tools/:toolId', element: page(<ToolEditorPage />) },
          { path: 'tools/:toolId/analytics', element: page(<AnalyticsPage />) },
          // One route, so opening a transcript keeps the list (and focus) where it is.
          { path: 'conversations/:conversationId?', element: page(<ConversationsPage />) },
          { path: 'opt-outs', element: page(<OptOutsPage />) },
          { path: 'templates', element: page(<TemplatesPage />) },
          { path: '*', element: <Navigate to="/" replace /> },
        ],
      },
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
  // A failure here shows when the route renders the editor (its error screen), not twice.
  loadToolEditor().catch(() => undefined);
  for (const query of [
    toolQuery(decodeURIComponent(match[1])),
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
