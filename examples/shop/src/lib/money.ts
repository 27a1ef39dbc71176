// Plain helpers: no Inngest functions here, so inngest-fix never parses this file.

export type Cents = number;

export function formatCents(amount: Cents, currency = "EUR"): string {
  return new Intl.NumberFormat("en-IE", { style: "currency", currency }).format(amount / 100);
}

export function lineTotal(quantity: number, unitPriceCents: Cents): Cents {
  return quantity * unitPriceCents;
}

export function sumCents(amounts: Cents[]): Cents {
  return amounts.reduce((sum, amount) => sum + amount, 0);
}
