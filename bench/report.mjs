// Turns the measurements into RESULTS.md (markdown) and the acceptance blocks (rules in ACCEPTANCE).
import { median, medianInterval } from './drive.mjs';

/**
 * @typedef {object} AcceptanceRule
 * @property {string} label The requirement in words, as the issue states it (one sentence, no final stop).
 * @property {string} scenario Name of the scenario measured (scenarios.mjs).
 * @property {string} baseline Name of the scenario it is compared with.
 * @property {number} threshold PASS when the ratio scenario / baseline of req/s is ≥ this.
 * @property {number[]} required Concurrencies the requirement covers; others are informational.
 * @property {'rounds' | 'medians' | 'cpu'} [statistic] What is judged: `'rounds'` (the default)
 *   is the median of the per-round req/s ratios, each taken from two cells of the same round;
 *   `'medians'` is the ratio of the two scenarios' median req/s; `'cpu'` is the scenario's median
 *   client CPU µs per request, PASS when below `threshold` (µs); the baseline's is shown beside it
 *   for reference.
 */

/**
 * The acceptance rules from the issues, one block each in RESULTS.md and on stdout. Add a rule with
 * one line; both scenarios must exist in scenarios.mjs (a rule whose scenarios were not run, e.g.
 * with `--only`, is reported as not measured).
 * @type {AcceptanceRule[]}
 */
export const ACCEPTANCE = [
  {
    label: "createClient() with no plugins costs no more than 5% of raw axios's requests/s",
    scenario: 'createClient()',
    baseline: 'raw axios',
    threshold: 0.95,
    required: [16, 256],
    statistic: 'medians',
  },
  {
    label:
      'noise floor (no requirement): two identical createClient() scenarios, whose true ratio is 1; a ratio rule whose margin to its threshold is smaller than this line’s distance from 1 is not resolved by the run',
    scenario: 'createClient(), control',
    baseline: 'createClient()',
    threshold: 0.95,
    required: [],
  },
  {
    label: 'the retry layer with no failures costs no more than 3% requests/s against createClient() without retry',
    scenario: 'createClient()',
    baseline: 'createClient({ retry: false })',
    threshold: 0.97,
    required: [16, 256],
  },
  {
    label: 'logging at INFO to a no-op logger costs no more than 5% requests/s against createClient() without a logger',
    scenario: 'createClient() + INFO logger',
    baseline: 'createClient()',
    threshold: 0.95,
    required: [16, 256],
  },
  {
    label: 'a closed circuit breaker costs no more than 3% requests/s against createClient() without it',
    scenario: 'createClient() + closed breaker',
    baseline: 'createClient()',
    threshold: 0.97,
    required: [16, 256],
  },
  {
    label: 'a rejection while the breaker is open costs under 20 µs of client CPU',
    scenario: 'open breaker: rejections',
    baseline: 'raw axios: immediate rejections',
    threshold: 20,
    required: [1, 16],
    statistic: 'cpu',
  },
  {
    label: 'a limiter whose limit is not binding costs no more than 5% requests/s against createClient() without it',
    scenario: 'createClient() + idle limiter',
    baseline: 'createClient()',
    threshold: 0.95,
    required: [1, 16],
  },
  {
    label: 'a memory-store cache hit is served at least 10 times faster than the network request it replaces',
    scenario: 'createClient() + cache hit',
    baseline: 'createClient()',
    threshold: 10,
    required: [1, 16, 256],
  },
  {
    label: 'a cache miss costs no more than 5% requests/s against the same requests with no cache',
    scenario: 'createClient() + cache miss',
    baseline: 'createClient(), fresh URLs',
    threshold: 0.95,
    required: [16, 256],
  },
];

/** The parenthesis after each requirement, by statistic. */
const STATISTIC_TEXT = {
  medians: (t) => `(ratio of median req/s ≥ ${t})`,
  cpu: (t) => `(median client CPU µs per request < ${t} µs)`,
  rounds: (t) => `(median of the per-round req/s ratios ≥ ${t}; both scenarios of a ratio ran in the same round)`,
};

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

/**
 * Applies every rule in ACCEPTANCE: one block per rule, with a verdict per measured concurrency
 * (`lines` is empty when either scenario was not run).
 */
export function acceptance(results, rules = ACCEPTANCE) {
  return rules.map((rule) => {
    const statistic = rule.statistic ?? 'rounds';
    const lines = [];
    for (const cell of results.cells) {
      const row = cell.rows.find((r) => r.name === rule.scenario);
      const base = cell.rows.find((r) => r.name === rule.baseline);
      if (row === undefined || base === undefined) continue;
      // Round i of every scenario at one concurrency ran in the same round, seconds apart.
      if (statistic === 'cpu') {
        lines.push({
          concurrency: cell.concurrency,
          cpu: row.median.cpuUsPerReq,
          perRound: row.rounds.map((r) => r.cpuUsPerReq),
          baselineCpu: base.median.cpuUsPerReq,
          pass: row.median.cpuUsPerReq < rule.threshold,
          required: rule.required.includes(cell.concurrency),
        });
        continue;
      }
      const perRound = row.rounds.map((r, i) => r.rps / base.rounds[i].rps);
      const ratioOfMedians = row.median.rps / base.median.rps;
      const medianOfRounds = median(perRound);
      const ratio = statistic === 'medians' ? ratioOfMedians : medianOfRounds;
      lines.push({
        concurrency: cell.concurrency,
        ratio,
        ratioOfMedians,
        medianOfRounds,
        interval: medianInterval(perRound),
        perRound,
        // Client CPU per request, scenario / baseline, per round: it moves less with the machine's
        // noise than req/s does (a stolen or idle CPU slows both processes, not the client's work).
        cpu: cpuRatios(row.rounds, base.rounds),
        pass: ratio >= rule.threshold,
        required: rule.required.includes(cell.concurrency),
      });
    }
    return { ...rule, statistic, title: `${rule.scenario} / ${rule.baseline}`, lines };
  });
}

function cpuRatios(rounds, baseRounds) {
  const perRound = rounds.map((r, i) => r.cpuUsPerReq / baseRounds[i].cpuUsPerReq).filter(Number.isFinite);
  return { median: median(perRound), interval: medianInterval(perRound) };
}

/** The CPU comparison of one line: `× 1.04 (95% interval 1.01–1.07)`. */
function cpuText(v) {
  if (v.cpu === undefined || !Number.isFinite(v.cpu.median)) return '';
  const interval = v.cpu.interval;
  const range = interval === undefined ? '' : ` (95% interval ${interval[0].toFixed(3)}–${interval[1].toFixed(3)})`;
  return `; client CPU per request × ${v.cpu.median.toFixed(3)}${range}`;
}

/** One line per concurrency for one block of `acceptance()`; markdown bold, which stdout strips. */
export function acceptanceLines(block) {
  if (block.lines.length === 0) {
    return [`- not measured: ${block.scenario} and ${block.baseline} must both run (check \`--only\`)`];
  }
  return block.lines.map((v) => {
    const verdict = v.pass ? 'PASS' : 'FAIL';
    const scope = v.required ? 'required' : 'informational, not part of the requirement';
    if (block.statistic === 'cpu') {
      const rounds = v.perRound.map((d) => d.toFixed(1)).join(', ');
      return (
        `- concurrency ${v.concurrency}: CPU µs/req of ${block.scenario} = ` +
        `**${v.cpu.toFixed(1)} µs** → **${verdict}** (< ${block.threshold} µs; ${scope}; per round: ${rounds}; ` +
        `${block.baseline} in the same run: ${v.baselineCpu.toFixed(1)} µs)`
      );
    }
    if (block.statistic === 'medians') {
      return (
        `- concurrency ${v.concurrency}: ${block.scenario} / ${block.baseline} req/s = ` +
        `**${v.ratio.toFixed(3)}** → **${verdict}** (≥ ${block.threshold}; ${scope}; per-round ratios: ${roundsText(v.perRound)}, ` +
        `median ${v.medianOfRounds.toFixed(3)}, ${intervalText(v, block.threshold)}${cpuText(v)})`
      );
    }
    return (
      `- concurrency ${v.concurrency}: ${block.scenario} / ${block.baseline} req/s, median of per-round ratios = ` +
      `**${v.ratio.toFixed(3)}** → **${verdict}** (≥ ${block.threshold}; ${scope}; ${intervalText(v, block.threshold)}; ` +
      `per-round ratios: ${roundsText(v.perRound)}; ratio of medians ${v.ratioOfMedians.toFixed(3)}${cpuText(v)})`
    );
  });
}

/** Every per-round ratio for a short run; for a long one, its quartiles. */
function roundsText(perRound) {
  if (perRound.length <= 12) return perRound.map((r) => r.toFixed(3)).join(', ');
  const sorted = [...perRound].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3);
  return `${perRound.length} rounds, quartiles ${at(0.25)} / ${at(0.5)} / ${at(0.75)}`;
}

/**
 * The 95% interval of the median of the per-round ratios, and whether the run resolves the rule:
 * a threshold inside the interval is closer than this run's noise can tell apart.
 */
function intervalText(v, threshold) {
  if (v.interval === undefined) return 'too few rounds for a 95% interval of the median';
  const [low, high] = v.interval;
  const resolved = threshold < low || threshold > high;
  return `95% interval of the median ${low.toFixed(3)}–${high.toFixed(3)}, ${resolved ? 'resolved' : 'not resolved: the threshold is inside it'}`;
}

/** The requirement sentence of one block. */
export function acceptanceRequirement(block) {
  if (block.required.length === 0) return `Informational: ${block.label}.`;
  return (
    `Requirement: ${block.label} at concurrency ${block.required.join(' and ')} ` +
    `${STATISTIC_TEXT[block.statistic](block.threshold)}.`
  );
}

/** The required concurrencies at which a block failed. */
export function acceptanceFailures(block) {
  return block.lines.filter((v) => v.required && !v.pass).map((v) => v.concurrency);
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

export function markdown(results, blocks) {
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
      `scenarios interleaved, order rotated and reversed across rounds`,
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
    ...blocks.flatMap((block) => [
      `### ${block.title}`,
      '',
      acceptanceRequirement(block),
      '',
      ...acceptanceLines(block),
      '',
    ]),
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
