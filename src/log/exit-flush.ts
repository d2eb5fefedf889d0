/** Signals whose default action ends amber: the log is flushed before it does. */
const terminatingSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let installed = false;

/**
 * Runs `flush` (synchronous) when amber exits: normally, through
 * process.exit, after an uncaught exception or unhandled rejection (Node
 * emits 'exit' for those too), or on SIGINT/SIGTERM/SIGHUP. When the
 * logger is the only listener of such a signal, the signal is raised again
 * with its default action, so amber dies of it as it would have.
 */
export function flushOnExit(flush: () => void): void {
  if (installed) return;
  installed = true;
  process.on('exit', flush);
  for (const signal of terminatingSignals) {
    const onSignal = (): void => {
      flush();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
