// Shared renderer state: the experiment list and the latest progress event per run.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Experiment, RunProgress } from '../main/api/contract.js';
import { api, describeError, type ConnectionState } from './api/client.js';

export interface Studio {
  experiments: Experiment[] | null;
  experimentsError: string | null;
  reload(): Promise<void>;
  progress: ReadonlyMap<string, RunProgress>;
  /** the last messages of each run, newest last */
  logTail: ReadonlyMap<string, string[]>;
  connection: ConnectionState;
}

const StudioContext = createContext<Studio | null>(null);
const LOG_TAIL = 200;

export function StudioProvider({ children }: { children: ReactNode }) {
  const [experiments, setExperiments] = useState<Experiment[] | null>(null);
  const [experimentsError, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<Map<string, RunProgress>>(new Map());
  const [logTail, setLogTail] = useState<Map<string, string[]>>(new Map());
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const finishedRef = useRef(new Set<string>());

  const reload = useCallback(async () => {
    try {
      setExperiments(await api().listExperiments({}));
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    // reload sets state only once the service has answered (after its await), never synchronously here
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
    const offConn = api().connection(setConnection);
    const off = api().onRunProgress((event) => {
      setProgress((prev) => new Map(prev).set(event.runId, event));
      setLogTail((prev) => {
        const lines = prev.get(event.runId) ?? [];
        if (lines[lines.length - 1] === event.message) return prev;
        return new Map(prev).set(event.runId, [...lines, event.message].slice(-LOG_TAIL));
      });
      // A run that changed status is reflected in the experiment list.
      if (event.status !== 'running' && !finishedRef.current.has(`${event.runId}:${event.status}`)) {
        finishedRef.current.add(`${event.runId}:${event.status}`);
        void reload();
      }
    });
    return () => {
      off();
      offConn();
    };
  }, [reload]);

  const value = useMemo(() => ({ experiments, experimentsError, reload, progress, logTail, connection }), [experiments, experimentsError, reload, progress, logTail, connection]);
  return <StudioContext.Provider value={value}>{children}</StudioContext.Provider>;
}

export function useStudio(): Studio {
  const s = useContext(StudioContext);
  if (!s) throw new Error('useStudio outside StudioProvider');
  return s;
}
