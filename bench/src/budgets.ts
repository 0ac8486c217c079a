import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Budget {
  id: string;
  description: string;
  unit: string;
  /** Which statistic the budget applies to. */
  statistic: 'p50' | 'p99';
  max?: number;
  min?: number;
}

export function loadBudgets(): Budget[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'budgets.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { budgets: Budget[] }).budgets;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function withinBudget(budget: Budget, value: number): boolean {
  if (budget.max !== undefined && !(value <= budget.max)) return false;
  if (budget.min !== undefined && !(value >= budget.min)) return false;
  return true;
}
