import { money, roundMoney, signedMoney } from "../../cost/money";

describe("money", () => {
  test("figures print as the cost review prints them: dollar sign after the minus, thousands grouped, cents", () => {
    expect(money(1234.5)).toBe("$1,234.50");
    expect(money(0)).toBe("$0.00");
    expect(money(1234567.891)).toBe("$1,234,567.89");
    expect(money(-5)).toBe("-$5.00");
    expect(money(-1234.5)).toBe("-$1,234.50");
  });

  test("a change carries its sign", () => {
    expect(signedMoney(5)).toBe("+$5.00");
    expect(signedMoney(-5)).toBe("-$5.00");
    expect(signedMoney(0)).toBe("$0.00");
  });

  test("rounding to cents never leaves -0 or float noise", () => {
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(roundMoney(12.345678)).toBe(12.35);
    expect(Object.is(roundMoney(-0.001), 0)).toBe(true);
    expect(roundMoney(-5.004)).toBe(-5);
  });
});
