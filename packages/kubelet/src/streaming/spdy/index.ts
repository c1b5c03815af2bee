// SPDY/3.1 streaming for the kubelet: exec/attach and port-forward over an upgraded connection, and
// port-forward tunnelled through a WebSocket. Everything else in this folder is how it is done.
export { acceptSpdyRemoteCommand } from './remote-command.ts';
export { acceptSpdyPortForward } from './port-forward.ts';
export { acceptSpdyOverWebSocketPortForward } from './websocket-tunnel.ts';
