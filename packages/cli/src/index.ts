// @hubspoke/cli: what the components' command lines share (pflag's and strconv's ways of reading values).
export { parseFeatureGates, parseGoBool } from './pflag-values.ts';
export { parseCommandLine, type CommandLineParse } from './parse-command.ts';
export { stopOnSignals, type ShutdownLogger, type StopOnSignalsOptions } from './signals.ts';
