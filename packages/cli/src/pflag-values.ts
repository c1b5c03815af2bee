// Flag values as the Kubernetes binaries read them (pflag and strconv), for commander argParsers shared by the
// apiserver and the kubelet: a value Go would refuse is refused with Go's words.
import { InvalidArgumentError } from 'commander';

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** strconv.ParseBool: exactly Go's spellings. */
export function parseGoBool(value: string): boolean {
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
}

/**
 * `--feature-gates=A=true,B=false`, repeatable (pflag's mapStringBool as component-base reads it). Whether a key
 * names a known gate is the component's to check, with the rest of its configuration.
 */
export function parseFeatureGates(value: string, previous: Record<string, boolean> | undefined): Record<string, boolean> {
  const gates = { ...previous };
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`missing bool value for ${entry}`);
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    try {
      gates[key] = parseGoBool(raw);
    } catch {
      throw new InvalidArgumentError(`invalid value of ${key}=${raw}, err: strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
  }
  return gates;
}
