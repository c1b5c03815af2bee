// The hubspoke-attacker command line, built as a value so that tests can run it in-process as the bin does.
import { Command } from 'commander';
import { addMitmCommand } from './mitm-command.ts';
import { addNodesProxyExecCommand } from './nodes-proxy-exec-command.ts';
import { addRogueKubeletCommand } from './rogue-kubelet-command.ts';
import { addScanCommand } from './scan-command.ts';
import { addSniffCommand } from './sniff-command.ts';
import { addTokenReplayCommand } from './token-replay-command.ts';

/** Every subcommand of hubspoke-attacker. */
export function attackerProgram(): Command {
  const program = new Command('hubspoke-attacker').description('The attacker of "Control Plane–Node Communication": probes and attacks the apiserver → node paths of a hubspoke lab.');
  for (const add of [addMitmCommand, addScanCommand, addSniffCommand, addRogueKubeletCommand, addTokenReplayCommand, addNodesProxyExecCommand]) add(program);
  return program;
}
