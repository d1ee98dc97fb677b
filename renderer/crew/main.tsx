import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SessionProvider } from '../console/api/session';
import { ApiError } from '../console/api/client';
import { CrewApp } from './CrewApp';
import './crew.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true, // a phone coming back from the pocket should show fresh work
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <CrewApp />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
