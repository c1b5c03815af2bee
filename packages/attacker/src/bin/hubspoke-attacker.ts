// hubspoke-attacker: the attacker as a component of its own, with its own flags and logs.
import { attackerProgram } from './program.ts';

await attackerProgram().parseAsync(process.argv);
