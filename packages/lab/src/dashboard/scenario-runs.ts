// One-click scenario runs for the dashboard: the catalog, and one run at a time on the scenario's own fresh
// in-process lab (never the lab the page shows, whose state a scenario must not change).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scenario as findScenario, SCENARIOS } from '../scenarios/catalog.ts';
import { runScenario } from '../scenarios/run-scenario.ts';

/** What the page lists for each scenario. */
export interface ScenarioSummary {
  id: string;
  claims: string[];
  attack?: string;
  title: string;
  expected: string;
}

let running: string | undefined;

/** Serve GET /api/scenarios and POST /api/scenarios/<id>/run; false when the path is not theirs. */
export async function serveScenarios(url: URL, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (url.pathname === '/api/scenarios' && req.method === 'GET') {
    const list: ScenarioSummary[] = SCENARIOS.map((s) => ({ id: s.id, claims: s.claims, attack: s.attack, title: s.title, expected: s.expected }));
    send(res, 200, list);
    return true;
  }
  const m = /^\/api\/scenarios\/([a-z0-9-]+)\/run$/.exec(url.pathname);
  if (!m) return false;
  if (req.method !== 'POST') return send(res, 405, { error: 'POST runs a scenario' }), true;
  let s;
  try {
    s = findScenario(m[1]);
  } catch (err) {
    return send(res, 404, { error: (err as Error).message }), true;
  }
  if (running) return send(res, 409, { error: `scenario ${running} is running; one at a time` }), true;
  running = s.id;
  const started = Date.now();
  try {
    const result = await runScenario(s);
    send(res, 200, { id: s.id, ...result, durationMs: Date.now() - started });
  } catch (err) {
    send(res, 500, { id: s.id, error: (err as Error).message });
  } finally {
    running = undefined;
  }
  return true;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
