/**
 * `amber demo`: a counter program, started and checkpointed before the
 * user's eyes. Every process it starts is killed before it returns, also
 * when it fails or is interrupted (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelFeatures } from '../check/kernel-features';
import { checkedFeatures, missingRequired } from '../check/report';
import { checkpointTour } from './checkpoint-tour';
import { Counter } from './counter';
import { freezeTour } from './freeze-tour';
import type { Say } from './say';

/** Numbers shown before and after the freeze. */
const SHOWN_COUNTS = 5;
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

async function checkSummary(): Promise<string> {
  const checked = checkedFeatures((await kernelFeatures()).states);
  const present = checked.filter(({ state }) => state.present).length;
  const blocking = missingRequired(checked).map(({ feature }) => feature.name);
  const verdict = blocking.length === 0 ? 'dump and restore have what they need' : `dump and restore need ${blocking.join(', ')}`;
  return `kernel check (amber check): ${present} of ${checked.length} features present; ${verdict}`;
}

async function showCounting(counter: Counter, after: number, say: Say): Promise<void> {
  const counts = await counter.waitForCounts(after + SHOWN_COUNTS);
  say(`it prints: ${counts.slice(after, after + SHOWN_COUNTS).join(' ')}`);
}

async function tour(dir: string, started: (counter: Counter) => void, say: Say): Promise<void> {
  say(await checkSummary());
  const counter = await Counter.start(dir);
  started(counter);
  say(`started the counter: pid ${counter.pid}, one number every 200 ms into ${counter.logPath}`);
  await showCounting(counter, 0, say);
  await showCounting(counter, await freezeTour(counter, say), say);
  await showCounting(counter, await checkpointTour(counter, path.join(dir, 'images'), say), say);
  await counter.kill();
  say(`killed pid ${counter.pid}; nothing of the demo is left running`);
}

export async function runDemo(say: Say): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-demo-'));
  let counter: Counter | undefined;
  const cleanUp = (): void => {
    counter?.killNow();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals): void => {
    cleanUp();
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, interrupted);
  process.on('exit', cleanUp);
  try {
    await tour(dir, (started) => (counter = started), say);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
    process.off('exit', cleanUp);
    await counter?.kill();
    cleanUp();
  }
}
