/**
 * The Sweep view's data: a sweep group's runs by their swept values, from run summaries alone
 * (cheap: no metrics or probes are read) and the live runs of this window. No vscode import.
 */
import { runIdTime } from '../../engine/runs/layout';
import type { SweepGroup, SweepPoint } from '../../engine/runs/summary';
import type { PanelSweep, PanelSweepGroup, PanelSweepRun } from '../../protocol';

/** A run as the summary needs it: a `RunSummary` of the run store is one, a live run gives one. */
export type SweepMember = Pick<
  PanelSweepRun,
  'id' | 'status' | 'bestValidationLoss' | 'bestEpoch' | 'bestValidationAccuracy' | 'epochsDone' | 'epochsPlanned' | 'durationMs'
> & { sweep?: SweepPoint; startedAt: string };

type GroupedMember = SweepMember & { sweep: SweepPoint & { group: SweepGroup } };

function isGrouped(member: SweepMember): member is GroupedMember {
  return member.sweep?.group !== undefined;
}

/**
 * The members of each sweep group; where a run appears twice (live and recorded), the first one
 * given wins, so pass the live runs first.
 */
function byGroup(members: readonly SweepMember[]): Map<string, GroupedMember[]> {
  const groups = new Map<string, GroupedMember[]>();
  const seen = new Set<string>();
  for (const member of members.filter(isGrouped)) {
    if (seen.has(member.id)) continue;
    seen.add(member.id);
    const id = member.sweep.group.id;
    groups.set(id, [...(groups.get(id) ?? []), member]);
  }
  return groups;
}

/** The sweep groups among the members, newest first. */
export function sweepGroups(members: readonly SweepMember[]): PanelSweepGroup[] {
  return [...byGroup(members).entries()]
    .map(([id, runs]) => {
      const startedAt = runIdTime(id) ?? Math.min(...runs.map((run) => Date.parse(run.startedAt)));
      return { id, startedAt: new Date(startedAt).toISOString(), count: Math.max(...runs.map((run) => run.sweep.group.count)) };
    })
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}

/** The summary of one sweep group, or undefined when no member belongs to it. */
export function summariseSweep(members: readonly SweepMember[], groupId: string): PanelSweep | undefined {
  const runs = byGroup(members).get(groupId);
  if (!runs) return undefined;
  runs.sort((a, b) => a.sweep.group.index - b.sweep.group.index);
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.sweep.assignments)))];
  const best = runs
    .filter((run) => run.bestValidationLoss !== undefined && Number.isFinite(run.bestValidationLoss))
    .reduce<GroupedMember | undefined>((b, run) => (!b || run.bestValidationLoss! < b.bestValidationLoss! ? run : b), undefined);
  return {
    groupId,
    keys,
    count: Math.max(...runs.map((run) => run.sweep.group.count)),
    runs: runs.map(sweepRunOf),
    bestRunId: best?.id,
  };
}

/** The groups, and the summary of the wanted group (or of the newest, when it is gone or not given). */
export function sweepOverview(members: readonly SweepMember[], wantedGroupId?: string): { groups: PanelSweepGroup[]; sweep?: PanelSweep } {
  const groups = sweepGroups(members);
  const groupId = groups.find((group) => group.id === wantedGroupId)?.id ?? groups[0]?.id;
  return { groups, sweep: groupId === undefined ? undefined : summariseSweep(members, groupId) };
}

function sweepRunOf(member: GroupedMember): PanelSweepRun {
  return {
    id: member.id,
    index: member.sweep.group.index,
    label: member.sweep.label || member.id,
    values: member.sweep.assignments,
    status: member.status,
    bestValidationLoss: member.bestValidationLoss,
    bestEpoch: member.bestEpoch,
    bestValidationAccuracy: member.bestValidationAccuracy,
    epochsDone: member.epochsDone,
    epochsPlanned: member.epochsPlanned,
    durationMs: member.durationMs,
  };
}
