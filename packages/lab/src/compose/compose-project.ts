// docker-compose.yml as docker compose reads it, without a Docker engine: the .env file beside it (with its
// commented-out alternative blocks), compose's variable interpolation, and profiles. The compose tests and the
// dashboard's compose mode both work from this, so they agree with each other and with `docker compose up`.
import { parse } from 'yaml';

/** One service of docker-compose.yml, after interpolation (the fields hubspoke's lab uses). */
export interface ComposeService {
  command: string[];
  profiles?: string[];
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  depends_on?: string[] | Record<string, unknown>;
  networks?: Record<string, { ipv4_address?: string } | null>;
  cap_add?: string[];
  sysctls?: Record<string, string | number> | string[];
}

/**
 * The .env file: `active` holds the assignments compose sees (the uncommented ones); `groups` every block under a
 * `# <group>: <block>` header, commented out or not (group → block → vars), so each alternative can be checked.
 */
export interface Dotenv {
  active: Record<string, string>;
  groups: Record<string, Record<string, Record<string, string>>>;
}

const HEADER = /^# ([a-z][a-z0-9-]*): ([a-z][a-z0-9-]*)(?:\s|$)/;
const ASSIGNMENT = /^(#?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Reads .env text: a block is a header line followed directly by assignment lines (an empty line ends it). */
export function readDotenv(text: string): Dotenv {
  const active: Record<string, string> = {};
  const groups: Dotenv['groups'] = {};
  let block: { group: string; name: string; vars: Record<string, string> } | undefined;
  for (const line of text.split('\n')) {
    const assignment = ASSIGNMENT.exec(line.trimEnd());
    if (assignment) {
      const [, commented, name, value] = assignment;
      if (!commented) active[name] = value;
      if (block) {
        block.vars[name] = value;
        (groups[block.group] ??= {})[block.name] = block.vars;
      }
      continue;
    }
    const header = HEADER.exec(line);
    // Prose comments between a header and its assignments would be a different format: end the block instead.
    block = header ? { group: header[1], name: header[2], vars: {} } : undefined;
  }
  return { active, groups };
}

const VARIABLE = /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-+?])([^}$]*))?\}|\$([A-Za-z_]\w*)/g;

/**
 * Compose's interpolation (${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:+x}, ${VAR+x}, ${VAR:?err}, $VAR, $$) of every string
 * in `value`; the names it reads are added to `used`. An unset variable is empty, as compose makes it (with a warning).
 */
export function interpolate<T>(value: T, vars: Record<string, string>, used: Set<string> = new Set()): T {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (all, braced?: string, op?: string, word?: string, bare?: string) => {
      if (all === '$$') return '$';
      const name = (braced ?? bare)!;
      used.add(name);
      const set = name in vars;
      const filled = set && vars[name] !== '';
      if (op === ':-') return filled ? vars[name] : word!;
      if (op === '-') return set ? vars[name] : word!;
      if (op === ':+') return filled ? word! : '';
      if (op === '+') return set ? word! : '';
      if (op === ':?' && !filled) throw new Error(`required variable ${name} is missing a value: ${word}`);
      if (op === '?' && !set) throw new Error(`required variable ${name} is missing: ${word}`);
      return vars[name] ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars, used)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars, used)])) as T;
  }
  return value;
}

/** The services compose would run, and the profiles COMPOSE_PROFILES enables. */
export interface ComposeProject {
  services: Record<string, ComposeService>;
  profiles: string[];
}

/** The services another service needs started first: its depends_on, and the service whose network it shares. */
export function serviceDependencies(service: ComposeService): string[] {
  const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
  const shared = service.network_mode?.startsWith('service:') ? [service.network_mode.slice('service:'.length)] : [];
  return [...new Set([...deps, ...shared])];
}

/**
 * The services `docker compose up [services…]` would start with `vars` as its environment: interpolated, filtered
 * by COMPOSE_PROFILES, plus the services named (a profiled service named on the command line starts) and what
 * they depend on. That is what runs after `docker compose up` and then `docker compose up -d services…`.
 */
export function loadComposeProject(options: { composeText: string; vars: Record<string, string>; services?: string[] }): ComposeProject {
  const document = parse(options.composeText, { merge: true }) as { services?: Record<string, ComposeService> };
  const all = interpolate(document.services ?? {}, options.vars);
  const profiles = (options.vars.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const started = new Set(Object.keys(all).filter((name) => !all[name].profiles || all[name].profiles!.some((p) => profiles.includes(p))));
  const pending = [...(options.services ?? [])];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (!all[name]) throw new Error(`no such service: ${name}`);
    if (started.has(name) && !(options.services ?? []).includes(name)) continue;
    started.add(name);
    pending.push(...serviceDependencies(all[name]).filter((dep) => !started.has(dep)));
  }
  return { services: Object.fromEntries(Object.entries(all).filter(([name]) => started.has(name))), profiles };
}
