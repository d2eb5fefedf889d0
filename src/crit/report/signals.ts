/** Signal sets by name: bit N-1 stands for signal N. */
import { constants } from 'node:os';

const SIGRTMIN = 34;

const NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));

function signalName(signal: number): string {
  return NAMES.get(signal) ?? (signal >= SIGRTMIN ? `SIGRTMIN+${signal - SIGRTMIN}` : `signal ${signal}`);
}

export function signalNames(set: bigint): string[] {
  const names: string[] = [];
  for (let signal = 1; signal <= 64; signal++) if ((set >> BigInt(signal - 1)) & 1n) names.push(signalName(signal));
  return names;
}
