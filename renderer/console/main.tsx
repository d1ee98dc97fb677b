import '../shared/zod-no-eval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SessionProvider } from '../shared/api/session';
import { DepotFormatProvider } from '../shared/locale/context';
import { ApiError } from '../shared/api/client';
import { App } from './shell/App';
import { ToastProvider } from './shell/toasts';
import { takeSetupCodeFromUrl } from './auth/setup-code';
import './styles.css';

takeSetupCodeFromUrl();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A refusal (4xx) will not change on retry; a network blip might.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <SessionProvider>
          <DepotFormatProvider>
            <App />
          </DepotFormatProvider>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
