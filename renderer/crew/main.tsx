import '../shared/zod-no-eval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { SessionProvider } from '../shared/api/session';
import { DepotFormatProvider } from '../shared/locale/context';
import { CrewApp } from './CrewApp';
import { createCrewQueryClient, crewPersistOptions } from './offline/persist';
import { startOutbox } from './offline/outbox';
import { registerServiceWorker } from './offline/register-sw';
import './crew.css';

const queryClient = createCrewQueryClient();
startOutbox(queryClient);
registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PersistQueryClientProvider client={queryClient} persistOptions={crewPersistOptions}>
      <SessionProvider>
        <DepotFormatProvider>
          <CrewApp />
        </DepotFormatProvider>
      </SessionProvider>
    </PersistQueryClientProvider>
  </StrictMode>,
);
