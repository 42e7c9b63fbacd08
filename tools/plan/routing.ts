import { Plan } from "./plan-json";
export function routingTableMarkdown(plans: Plan[]): string { return `(${plans.length} stacks)`; }
