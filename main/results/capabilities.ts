// The study's four capabilities, in the order every table, chart and report lists them, with their display names.

export const CAPABILITY_ORDER = ['action', 'workflow', 'long-context', 'real-world'] as const;
export type Capability = (typeof CAPABILITY_ORDER)[number];

export const CAPABILITIES: readonly { id: Capability; name: string; help: string }[] = [
  { id: 'action', name: 'Action execution', help: 'calling tools correctly (T-Eval)' },
  { id: 'workflow', name: 'Workflow generation', help: 'decomposing a task into steps (WorfBench)' },
  { id: 'long-context', name: 'Long-context understanding', help: 'reading and generating over long inputs (LongBench, LongGenBench, NIAH)' },
  { id: 'real-world', name: 'Real-world application', help: 'multi-turn agent environments (AgentBoard)' },
];

export const capabilityName = (id: string): string => CAPABILITIES.find((c) => c.id === id)?.name ?? id;

/** A capability's place in the study's order; unknown ones after the four. */
export const capabilityRank = (c: string): number => {
  const i = (CAPABILITY_ORDER as readonly string[]).indexOf(c);
  return i < 0 ? CAPABILITY_ORDER.length : i;
};
