// Turns the measurements into RESULTS.md (markdown) and the acceptance lines.
import { median } from './drive.mjs';

/** The acceptance rule from the issue: createClient() with no plugins keeps ≥ 95% of raw axios's req/s. */
export const ACCEPTANCE = {
  scenario: 'createClient()',
  minRatio: 0.95,
  concurrencies: [16, 256],
};

/** Name of the baseline scenario (scenarios.mjs BASELINE). */
const BASELINE_LABEL = 'raw axios';

const COLUMNS = [
  'scenario',
  'req/s',
  '× raw',
  'p50 ms',
  '× raw',
  'p99 ms',
  '× raw',
  'CPU µs/req',
  '× raw',
  'req/s spread',
  'errors',
];

/** Acceptance verdict per measured concurrency (null when the scenario was not run). */
export function acceptance(results) {
  const lines = [];
  for (const cell of results.cells) {
    const row = cell.rows.find((r) => r.name === ACCEPTANCE.scenario);
    if (row === undefined) continue;
    const ratio = row.ratio.rps;
    lines.push({
      concurrency: cell.concurrency,
      ratio,
      perRound: row.perRoundRpsRatio,
      pass: ratio >= ACCEPTANCE.minRatio,
      required: ACCEPTANCE.concurrencies.includes(cell.concurrency),
    });
  }
  return lines;
}

export function acceptanceLines(verdicts) {
  return verdicts.map((v) => {
    const verdict = v.pass ? 'PASS' : 'FAIL';
    const scope = v.required ? 'required' : 'informational, not part of the requirement';
    const rounds = v.perRound.map((r) => fmtRatio(r)).join(', ');
    return (
      `- concurrency ${v.concurrency}: ${ACCEPTANCE.scenario} / ${BASELINE_LABEL} req/s = ` +
      `**${v.ratio.toFixed(3)}** → **${verdict}** (≥ ${ACCEPTANCE.minRatio}; ${scope}; per-round ratios: ${rounds}, median ${median(v.perRound).toFixed(3)})`
    );
  });
}

/** One markdown table per concurrency. */
export function tables(results) {
  const out = [];
  for (const cell of results.cells) {
    out.push(`### Concurrency ${cell.concurrency}`, '');
    out.push(`| ${COLUMNS.join(' | ')} |`);
    out.push(`| ${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const row of cell.rows) {
      const m = row.median;
      out.push(
        `| ${[
          row.name,
          fmtInt(m.rps),
          fmtRatio(row.ratio.rps),
          fmtMs(m.p50),
          fmtRatio(row.ratio.p50),
          fmtMs(m.p99),
          fmtRatio(row.ratio.p99),
          fmtUs(m.cpuUsPerReq),
          fmtRatio(row.ratio.cpuUsPerReq),
          `±${(row.rpsSpread * 50).toFixed(1)}%`,
          String(row.errors),
        ].join(' | ')} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

export function markdown(results, verdicts) {
  const { meta } = results;
  const lines = [
    '# axle benchmark results',
    '',
    `- Date: ${meta.date}`,
    `- Node: ${meta.node} (${meta.platform})`,
    `- CPU: ${meta.cpuModel} × ${meta.cpuCount}`,
    `- Versions: @axle/core ${meta.axleVersion}, axios ${meta.axiosVersion}; commit ${meta.commit}`,
    `- Command: \`${meta.command}\``,
    `- Settings: concurrency ${meta.settings.concurrency.join(', ')}; ${meta.settings.rounds} rounds; ` +
      `${meta.settings.warmupMs} ms warm-up + ${meta.settings.durationMs} ms measured per cell; ` +
      `${meta.settings.prewarmMs} ms unmeasured pre-warm per scenario first; ` +
      `scenarios interleaved, order rotated each round`,
    `- Wall time: ${meta.wallSeconds.toFixed(0)} s`,
    '',
    '## How to read this',
    '',
    'Each figure is the median over the rounds. The server runs in a separate process on 127.0.0.1, so ' +
      '"CPU µs/req" is the client process only (user + system time during the measured window divided by ' +
      'the requests completed in it). p50/p99 are the latency of single requests, from call to resolution.',
    '',
    '"× raw" is the scenario figure divided by raw axios at the same concurrency in the same run. For req/s, ' +
      '**> 1 is faster** than raw axios; for latency and CPU, **< 1 is cheaper** and > 1 costs more. ' +
      '"req/s spread" is ±half the range of the rounds relative to the median: differences smaller than the ' +
      'spread are noise. "errors" counts failed requests (warm-up included) over all rounds.',
    '',
    '## Results',
    '',
    tables(results),
    '## Acceptance',
    '',
    `Requirement: ${ACCEPTANCE.scenario} with no plugins costs no more than 5% of raw axios's requests/s at ` +
      `concurrency ${ACCEPTANCE.concurrencies.join(' and ')} (ratio of median req/s ≥ ${ACCEPTANCE.minRatio}).`,
    '',
    ...(verdicts.length > 0 ? acceptanceLines(verdicts) : [`- not measured: ${ACCEPTANCE.scenario} was not run`]),
    '',
    '## Scenarios',
    '',
    ...results.scenarios.map((s) => `- **${s.name}**: ${s.description}`),
    '',
  ];
  return lines.join('\n');
}

export function fmtRatio(x) {
  return Number.isFinite(x) ? `${x.toFixed(2)}` : '–';
}

export function fmtInt(x) {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
}

export function fmtMs(x) {
  if (!Number.isFinite(x)) return '–';
  if (x < 1) return x.toFixed(3);
  if (x < 10) return x.toFixed(2);
  return x.toFixed(1);
}

export function fmtUs(x) {
  if (!Number.isFinite(x)) return '–';
  return x < 100 ? x.toFixed(1) : x.toFixed(0);
}
