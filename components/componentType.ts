/**
 * How a component registers its type: the domain token of graph/componentTypes.ts, with the
 * stack-named token it had before as an alias, so a stack deployed before the rename is updated
 * in place (its component and every child keep their cloud resources).
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentKind, LEGACY_COMPONENT_TYPES } from "../graph/componentTypes";

/** The options a component passes to `super`: the caller's, plus the alias of its old token. */
export function withLegacyTypeAlias(kind: ComponentKind, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
  const legacy = LEGACY_COMPONENT_TYPES[kind];
  if (!legacy) return opts ?? {};
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: legacy }] };
}
