/**
 * Money, one way everywhere: figures rounded to cents the same way before they are compared or
 * stored, and printed the way the cost review prints them ("$1,234.50", "-$5.00", "+$5.00").
 * A leaf module, so the review, the report, the savings investigation and the policy pack agree.
 */

/** USD rounded to cents; never -0 (a saving that rounds to nothing is 0). */
export function roundMoney(value: number): number {
  return Math.round(value * 100) / 100 + 0;
}

/** "$1,234.50", "-$5.00": grouped by hand, as toLocaleString's first call costs the CLI a locale load. */
export function money(value: number): string {
  const sign = value < 0 ? "-" : "";
  const [whole, cents] = Math.abs(value).toFixed(2).split(".");
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

/** A change: "+$5.00", "-$5.00", "$0.00". */
export function signedMoney(value: number): string {
  return value > 0 ? `+${money(value)}` : money(value);
}
