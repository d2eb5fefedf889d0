/** Python's int(text, base) for the integer texts crit accepts ("0x1f", "-12", "0o17", "1_000"). */

const PREFIXED = /^([+-]?)0([xob])_?([0-9a-f]+(?:_[0-9a-f]+)*)$/i;
const DECIMAL = /^([+-]?)([0-9]+(?:_[0-9]+)*)$/;
const RADIX: Record<string, number> = { x: 16, o: 8, b: 2 };
const DIGITS: Record<number, RegExp> = { 16: /^[0-9a-f]+$/i, 8: /^[0-7]+$/, 2: /^[01]+$/ };

/** int(text, 0): the base comes from the prefix; `undefined` where Python raises ValueError. */
export function parsePythonIntAuto(text: string): bigint | undefined {
  const trimmed = text.trim();
  const prefixed = PREFIXED.exec(trimmed);
  if (prefixed !== null) {
    const radix = RADIX[prefixed[2].toLowerCase()];
    const digits = prefixed[3].replace(/_/g, '');
    if (!DIGITS[radix].test(digits)) return undefined;
    const magnitude = BigInt(`0${prefixed[2].toLowerCase()}${digits}`);
    return prefixed[1] === '-' ? -magnitude : magnitude;
  }
  const decimal = DECIMAL.exec(trimmed);
  if (decimal === null) return undefined;
  const digits = decimal[2].replace(/_/g, '');
  if (digits.length > 1 && digits.startsWith('0') && /[1-9]/.test(digits)) return undefined;
  return parseDecimal(decimal[1], digits);
}

/** int(text): base 10, leading zeros allowed. */
export function parsePythonInt(text: string): bigint | undefined {
  const decimal = DECIMAL.exec(text.trim());
  return decimal === null ? undefined : parseDecimal(decimal[1], decimal[2].replace(/_/g, ''));
}

function parseDecimal(sign: string, digits: string): bigint {
  const magnitude = BigInt(digits);
  return sign === '-' ? -magnitude : magnitude;
}
