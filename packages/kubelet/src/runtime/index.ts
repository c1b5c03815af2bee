// hubspoke's toy container runtime: in-process image programs with real streams, CRI logs and sockets.
export * from './types.ts';
export * from './errors.ts';
export * from './toy-runtime.ts';
export * from './image-reference.ts';
export * from './cri-log.ts';
export * from './cri-log-reader.ts';
export * from './program.ts';
export * from './pod-files.ts';
export { commandName, isToyCommand, runShellProcess, type ShellConfig, type ShellStreams } from './shell.ts';
export * from './images/index.ts';
export { SERVICE_ACCOUNT_DIR } from './images/client.ts';
export { accessLogLine, podRequestHandler, type HttpServerFlavor } from './images/http-server.ts';
export { podServingCertificate } from './images/https-server.ts';
