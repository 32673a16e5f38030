import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTransport } from './api/transport';
import { App } from './App';
import './styles.css';

// Cache changes reach React in the same task, not a timer later: until they arrive React
// keeps a controlled input as it was (a switch clicked would show its old value meanwhile).
notifyManager.setScheduler(queueMicrotask);

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

const root = createRoot(document.getElementById('root') as HTMLElement);

function render(hostProblem?: string) {
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App hostProblem={hostProblem} />
      </QueryClientProvider>
    </StrictMode>,
  );
}

installTransport((reason) => render(`Disconnected from the Pond Desktop host: ${reason}. Restart pond serve and open the address it prints.`));
render();
