// What every component binary does on SIGINT or SIGTERM: log it, stop once (another signal while stopping changes
// nothing), then exit 0, or 1 if stopping failed.

/** The two log calls a shutdown makes (a pino logger fits). */
export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What to stop, and the component's name for the log lines. */
export interface StopOnSignalsOptions {
  component: string;
  logger: ShutdownLogger;
  stop: () => Promise<void>;
  /** Default process.exit; tests pass their own. */
  exit?: (code: number) => void;
}

/** Install the SIGINT and SIGTERM handlers; returns the shutdown they call, for the caller's own use. */
export function stopOnSignals(options: StopOnSignalsOptions): (signal: string) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, `Shutting down ${options.component}`);
    options.stop().then(
      () => exit(0),
      (err: unknown) => {
        options.logger.error({ err }, `${options.component} did not stop cleanly`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return shutdown;
}
