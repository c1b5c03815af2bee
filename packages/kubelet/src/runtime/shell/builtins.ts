// The toy shell's command table. Nothing here touches the host: files come from the pod's virtual file
// system and every command is one of these functions.
import type { Builtin } from './command.ts';
import { fileCommands } from './file-commands.ts';
import { systemCommands } from './system-commands.ts';
import { terminalCommands } from './terminal-commands.ts';
import { textCommands } from './text-commands.ts';

export { ExitRequest, type Builtin, type CommandCall, type ShellState, type Terminal, type TerminalSize } from './command.ts';

/** Every command of the toy shell except `sh` itself (which lives with the interpreter). */
export const builtins: Record<string, Builtin> = { ...textCommands, ...fileCommands, ...systemCommands, ...terminalCommands };
