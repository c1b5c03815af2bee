// hubspoke-attacker: the attacker as a component of its own, with its own flags and logs.
import { Command } from 'commander';
import { addMitmCommand } from './mitm-command.ts';
import { addNodesProxyExecCommand } from './nodes-proxy-exec-command.ts';
import { addRogueKubeletCommand } from './rogue-kubelet-command.ts';
import { addScanCommand } from './scan-command.ts';
import { addSniffCommand } from './sniff-command.ts';
import { addTokenReplayCommand } from './token-replay-command.ts';

const program = new Command('hubspoke-attacker').description('The attacker of "Control Plane–Node Communication": probes and attacks the apiserver → node paths of a hubspoke lab.');
addMitmCommand(program);
addScanCommand(program);
addSniffCommand(program);
addRogueKubeletCommand(program);
addTokenReplayCommand(program);
addNodesProxyExecCommand(program);

await program.parseAsync(process.argv);
