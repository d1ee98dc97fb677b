import '../shared/zod-no-eval';
// First, so the views' own stylesheets (imported by their components) come after the shared look.
import './org.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '../shared/api/errors';
import { SessionProvider } from './session/session';
import { App } from './shell/App';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      // A refusal (4xx) or an answer of the wrong shape will not change on retry; a network blip might.
      retry: (count, err) =>
        !(err instanceof ApiError && ((err.status >= 400 && err.status < 500) || err.code === 'unexpected_answer')) && count < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
