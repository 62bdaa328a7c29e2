/**
 * The committed result of the scheduler proof (sizing/scheduler-proof.json, written by
 * `npm run test:cluster`), read offline by `infra-cost opportunities` and the budget report, which
 * run without a cluster. Each stack's entry carries the hash of the simulated pools it was
 * computed for (cluster/simulatedPools.ts: machine types, allocatable, node counts, labels,
 * taints, pod groups and budgets); a reader recomputes that hash from the stack as recorded now
 * and marks the result stale when they differ, so a config change never borrows an old proof.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PriceCatalog } from "../catalog/catalog";
import { ResourceRecord } from "../graph/resourceRecord";
import { PROJECT_ROOT } from "../program/projectRoot";
import type { PoolProof } from "./schedulerProof";
import { SimulatedPool, simulatedPools } from "./simulatedPools";

export const SCHEDULER_PROOF_FILE = path.join(PROJECT_ROOT, "sizing", "scheduler-proof.json");

export interface SchedulerProofDocument {
  version: 1;
  /** kube-scheduler's version as the running binary reports it, e.g. v1.37.2. */
  kubeScheduler: string;
  kwok: string;
  computedAt: string;
  stacks: Record<string, { planHash: string; pools: PoolProof[] }>;
}

/** A pool's proof as the offline commands show it. */
export interface PoolProofLine {
  stack: string;
  pool: string;
  /** "kube-scheduler v1.37.2 on simulated nodes: placed 10/10; upgrade-safe; one node lost: 1 pods waiting, PDB kept; with 20 % headroom 4 nodes: 0 Pending, 3 nodes: 1 Pending". */
  text: string;
  stale: boolean;
  /** A scenario the pool failed (a finding), absent when it passed them all. */
  finding?: string;
}

/** The hash of what decides the proof for one stack's pools. */
export function planHash(pools: SimulatedPool[]): string {
  return crypto.createHash("sha256").update(JSON.stringify(pools)).digest("hex").slice(0, 16);
}

/** The pool's failed scenarios in a phrase, or undefined when it passed all four. */
export function poolFinding(proof: PoolProof): string | undefined {
  const failures: string[] = [];
  if (proof.placement.pending > 0) failures.push(`${proof.placement.pending} of ${proof.pods} pods cannot be placed on ${proof.nodeCount} nodes`);
  if (!proof.upgrade.safe) failures.push(`upgrade not safe: ${proof.upgrade.detail}`);
  if (!proof.nodeLost.budgetsKept) failures.push(`one node lost breaks a budget: ${proof.nodeLost.detail}`);
  const headroom = `${Math.round(proof.oneFewer.headroom * 100)} % headroom`;
  if (proof.oneFewer.pendingAtDeclared > 0) failures.push(`the rightsizing's model (${headroom}) leaves ${proof.oneFewer.pendingAtDeclared} pods Pending on the declared ${proof.nodeCount} nodes`);
  if (proof.oneFewer.pending === 0 && proof.pods > 0) failures.push(`not tight: ${proof.oneFewer.nodes} nodes also hold every pod with ${headroom}`);
  return failures.length > 0 ? failures.join("; ") : undefined;
}

export function proofText(proof: PoolProof, kubeScheduler: string): string {
  const budgets = proof.nodeLost.budgetsKept ? "PDB kept" : "PDB BROKEN";
  return (
    `kube-scheduler ${kubeScheduler} on simulated nodes: placed ${proof.placement.placed}/${proof.pods}; ` +
    `${proof.upgrade.safe ? "upgrade-safe" : "upgrade NOT safe"}; one node lost: ${proof.nodeLost.worstWaiting} pods waiting, ${budgets}; ` +
    `with ${Math.round(proof.oneFewer.headroom * 100)} % headroom ${proof.nodeCount} nodes: ${proof.oneFewer.pendingAtDeclared} Pending, ${proof.oneFewer.nodes} nodes: ${proof.oneFewer.pending} Pending`
  );
}

/** The last file read, by path and modification time: the analysis reads it once per stack. */
let lastRead: { file: string; mtimeMs: number; document: SchedulerProofDocument } | undefined;

export function readSchedulerProof(file = SCHEDULER_PROOF_FILE): SchedulerProofDocument | undefined {
  if (!fs.existsSync(file)) return undefined;
  const mtimeMs = fs.statSync(file).mtimeMs;
  if (lastRead && lastRead.file === file && lastRead.mtimeMs === mtimeMs) return lastRead.document;
  let document: SchedulerProofDocument;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message}); re-run npm run test:cluster`);
  }
  if (document?.version !== 1 || typeof document.stacks !== "object") throw new Error(`${file}: version ${JSON.stringify(document?.version)} is not a scheduler proof of version 1; re-run npm run test:cluster`);
  lastRead = { file, mtimeMs, document };
  return document;
}

/** The proof lines for one stack as recorded now: one per pool, stale when the plan changed since. */
export function schedulerProofLines(stack: string, resources: ResourceRecord[], catalog: PriceCatalog, document = readSchedulerProof()): PoolProofLine[] {
  const entry = document?.stacks[stack];
  if (!document || !entry) return [];
  const stale = planHash(simulatedPools(stack, resources, catalog).pools) !== entry.planHash;
  return entry.pools.map((proof) => {
    const finding = poolFinding(proof);
    return {
      stack,
      pool: proof.pool,
      text: `${proofText(proof, document.kubeScheduler)}${stale ? ` (STALE: computed ${document.computedAt.slice(0, 10)} for a different plan; re-run npm run test:cluster)` : ""}`,
      stale,
      ...(finding ? { finding } : {}),
    };
  });
}
