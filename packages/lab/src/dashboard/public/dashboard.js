// The dashboard page: follows the lab through /api/events (Server-Sent Events, relayed by the dashboard from
// whichever lab runs now), redraws the topology and the paths table on every update, and shows what the attacker
// captured. When the lab stops, the page says so and keeps trying; a restarted lab is picked up without a reload.
// A docker-compose lab is seen from outside: what the dashboard cannot know there is shown as unknown.
import { esc, formatBytes, renderTopology } from './topology-view.js';

const $ = (id) => document.getElementById(id);
let source;
let lastCaptures = '';
let lab;

function connect() {
  source = new EventSource('/api/events');
  source.addEventListener('topology', (event) => {
    const topology = JSON.parse(event.data);
    render(topology);
    refreshLab();
    if (topology.attacker) refreshCaptures();
    else showNoAttacker();
  });
  source.onerror = () => {
    // A 503 (no lab) closes an EventSource for good; reconnect ourselves either way.
    source.close();
    refreshLab();
    setTimeout(connect, 1000);
  };
}

async function refreshLab() {
  const status = $('lab-status');
  try {
    const info = await (await fetch('/api/lab')).json();
    lab = info;
    if (info.source === 'compose') {
      const blocks = Object.entries(info.blocks).map(([group, block]) => `${group} ${block}`).join(', ');
      status.className = info.running ? '' : 'down';
      status.textContent = `docker-compose lab ${info.composeFile} (.env: ${blocks || 'no blocks'}; profiles: ${info.profiles.join(',') || 'none'}), apiserver ${info.server}` +
        (info.running ? '.' : `: ${info.message}`);
    } else if (info.running) {
      status.className = '';
      status.textContent = `Lab in ${info.dir}: profile ${info.profile}, egress ${info.egress}, apiserver ${info.server}, started ${new Date(info.startedAt).toLocaleTimeString()} (pid ${info.pid}).`;
    } else {
      status.className = 'down';
      status.textContent = info.message;
    }
  } catch {
    status.className = 'down';
    status.textContent = 'The dashboard does not answer (is `hubspoke dashboard` still running?).';
  }
}

function render(t) {
  $('topology').innerHTML = renderTopology(t);
  $('unknown').textContent = t.unknown ? `Shown as unknown (not visible from outside the apiserver's process): ${t.unknown.join('; ')}.` : '';
  const rows = t.edges.map((e) => {
    const bytes = e.bytes ? `${formatBytes(e.bytes.sent)} / ${formatBytes(e.bytes.received)}` : e.bytesUnknown ? 'unknown' : '—';
    const now = [e.via ? `via ${e.via}` : '', e.note ?? ''].filter(Boolean).join('; ');
    return `<tr data-edge="${esc(e.id)}">
      <th scope="row">${esc(e.title)}</th>
      <td data-field="protocol">${esc(e.protocol)}</td>
      <td data-field="encryption">${esc(e.encryption)}</td>
      <td data-field="serverVerification" class="${esc(e.serverVerification === 'n/a' ? 'na' : e.serverVerification)}">${esc(e.serverVerification)}</td>
      <td data-field="clientAuthentication">${esc(e.clientAuthentication)}</td>
      <td data-field="authorization">${esc(e.authorization)}</td>
      <td data-field="claim">${esc(e.claim)}</td>
      <td data-field="bytes" class="num${e.bytesUnknown ? ' unknown' : ''}">${esc(bytes)}</td>
      <td data-field="note">${esc(now)}</td>
    </tr>`;
  });
  $('paths').querySelector('tbody').innerHTML = rows.join('');
}

function showNoAttacker() {
  lastCaptures = '';
  $('mitm-body').innerHTML =
    lab?.source === 'compose'
      ? `<p>No attacker in this lab: nothing answers at <code>${esc(lab.attackerUrl ?? '(no --attacker-url)')}/captures</code>. Start the compose lab's attacker service to see what it reads.</p>`
      : '<p>No attacker in this lab. Start one with <code>hubspoke up --attacker mitm</code>: it takes the first node\'s advertised address and relays to its kubelet.</p>';
}

async function refreshCaptures() {
  let data;
  try {
    data = await (await fetch('/api/captures')).json();
  } catch {
    return;
  }
  const key = JSON.stringify(data);
  if (key === lastCaptures) return;
  lastCaptures = key;
  const a = data.attacker;
  const head = a
    ? `<p>Listening on <code>${esc(a.address)}:${esc(a.port)}</code>, the address <strong>${esc(a.victim)}</strong> advertises. ` +
      `<span data-field="captures">${data.captures.length}</span> connection(s) read in plaintext; ` +
      `<span data-field="refused">${data.refused.length}</span> refused by the apiserver${data.refused.length ? ' <span class="ok">(it verified the certificate and hung up: the attacker learned nothing)</span>' : ''}.</p>`
    : '';
  const captures = data.captures
    .slice()
    .reverse()
    .map((c) => {
      const exchanges = c.exchanges
        .map((x) => {
          const status = x.status === undefined ? '…' : x.status;
          const parts = [`<div class="req">${esc(x.method)} ${esc(x.target)} → ${esc(status)}</div>`];
          if (x.stream) {
            if (x.stream.stdin) parts.push(`<div>stdin (typed by the user)</div><pre data-field="stdin">${esc(x.stream.stdin)}</pre>`);
            if (x.stream.stdout) parts.push(`<div>stdout</div><pre data-field="stdout">${esc(x.stream.stdout)}</pre>`);
            if (x.stream.stderr) parts.push(`<div>stderr</div><pre data-field="stderr">${esc(x.stream.stderr)}</pre>`);
            if (!x.stream.stdin && !x.stream.stdout && !x.stream.stderr) parts.push(`<div class="hint">${esc(x.stream.protocol)} stream, nothing on its channels yet</div>`);
          } else if (x.body) {
            parts.push(`<pre data-field="body">${esc(x.body)}</pre>`);
          }
          return parts.join('');
        })
        .join('');
      return `<article class="capture" data-capture="${esc(c.id)}" aria-label="capture ${esc(c.id)}">
        <div><strong>#${esc(c.id)}</strong> from ${esc(c.client)} at ${esc(new Date(c.opened).toLocaleTimeString())}${c.closed ? '' : ' <span class="alert">live</span>'}</div>
        ${exchanges}
      </article>`;
    })
    .join('');
  const nothing = data.refused.length
    ? '<p class="hint">Nothing captured.</p>'
    : '<p class="hint">Nothing captured yet: try <code>kubectl logs</code> or <code>kubectl exec</code> on a pod of the victim node.</p>';
  $('mitm-body').innerHTML = head + (captures || nothing);
}

async function loadScenarios() {
  const list = await (await fetch('/api/scenarios')).json();
  $('scenario-list').innerHTML = list
    .map(
      (s) => `<article class="scenario" data-scenario="${esc(s.id)}">
        <div><button type="button" data-run="${esc(s.id)}">Run</button> <strong>${esc(s.id)}</strong> (${esc(s.claims.join(', '))}${s.attack ? `; ${esc(s.attack)}` : ''}): ${esc(s.title)}</div>
        <div class="hint">Expected: ${esc(s.expected)}</div>
        <div data-field="result"></div>
      </article>`,
    )
    .join('');
  for (const button of $('scenario-list').querySelectorAll('button[data-run]')) button.addEventListener('click', () => runScenario(button));
}

async function runScenario(button) {
  const id = button.dataset.run;
  const out = $('scenario-list').querySelector(`[data-scenario="${id}"] [data-field="result"]`);
  for (const b of $('scenario-list').querySelectorAll('button')) b.disabled = true;
  out.innerHTML = '<p class="hint">Running on a fresh lab…</p>';
  try {
    const res = await fetch(`/api/scenarios/${encodeURIComponent(id)}/run`, { method: 'POST' });
    const r = await res.json();
    if (!res.ok) throw new Error(r.error ?? res.statusText);
    out.innerHTML = `<p data-field="verdict" class="${r.asExpected ? 'ok' : 'alert'}">${r.asExpected ? 'As expected' : 'NOT as expected'} (${(r.durationMs / 1000).toFixed(1)} s)</p>
      <pre data-field="observations">${esc(r.observations.join('\n'))}</pre>`;
  } catch (err) {
    out.innerHTML = `<p class="alert">The run failed: ${esc(err.message)}</p>`;
  } finally {
    for (const b of $('scenario-list').querySelectorAll('button')) b.disabled = false;
  }
}

connect();
refreshLab();
loadScenarios();
