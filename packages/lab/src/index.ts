export * from './cluster.ts';
export * from './wait.ts';
export * from './demo.ts';
export { up, type UpOptions } from './up.ts';
export { writeCerts, type CertsOptions } from './certs.ts';
export * from './bootstrap-token.ts';
export { LAB_SSH_USER, type EgressMode, type EgressNode, type LabKonnectivity, type LabSshTunnels } from './egress.ts';
