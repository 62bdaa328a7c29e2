/**
 * no-plaintext-secrets (resource, mandatory): no ConfigMap and no container env var carries a
 * credential. Both are stored and shown in plain text by Kubernetes (kubectl describe, logs of
 * admission webhooks), whether or not Pulumi marked the value secret: the proxy's credential checks
 * (reversible Basic credentials) and the validators' chains.json passwords belong in Secrets.
 *
 * Detection looks for credential *values* (an htpasswd line, an nginx credential check or map entry
 * keyed by a Basic credential, a `password: ...` assignment, a URL with a password, an Authorization header, a
 * private key), not the mere word, so a comment about credentials or the `include` of a credential
 * file in a config passes. Messages never repeat the value.
 * A value unknown during preview is checked before the update step, when it is known.
 */
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, valueAt } from "../graph/valueReader";

export const CONFIG_MAP_TYPE = RESOURCE_TYPES.k8sConfigMap;

export const noPlaintextSecretsConfig = definePolicyConfig({});

/** What a credential looks like inside a text value, and what to call it in a message. */
const CREDENTIAL_PATTERNS: { what: string; pattern: RegExp }[] = [
  { what: "an htpasswd line", pattern: /^[^\s:#]+:(\$apr1\$|\$2[abxy]?\$|\{SHA\}|\{SSHA\}|\$[156]\$)\S+/m },
  // The proxy's credential checks: `if ($http_authorization = "Basic <base64(user:password)>")`
  // (components/credentialChecks.ts), and the same credential as an nginx map entry.
  { what: "a Basic credential check", pattern: /\$http_authorization\s*!?=\s*["']?Basic [A-Za-z0-9+/]{8,}={0,2}/ },
  { what: "a Basic credential map entry", pattern: /["']Basic [A-Za-z0-9+/]{8,}={0,2}["']\s+[^\s;]+;/ },
  {
    what: "a password or key assignment",
    // key = value / key: value / "key": "value", where the value is not a reference ($VAR, ${...}, a file path).
    pattern: /(^|[\s{,;"'])["']?(password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|client[_-]?secret)["']?\s*[:=]\s*["']?(?![$/{"'\s])[^"'\s,;}]+/im,
  },
  { what: "a URL with a password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i },
  { what: "an Authorization header with credentials", pattern: /authorization["']?\s*[:=]?\s*["']?(basic|bearer)\s+[A-Za-z0-9+/=._-]{8,}/i },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];

/** ConfigMap keys or env var names that say the value is a credential. */
const CREDENTIAL_NAME = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|htpasswd|basic[_-]?auth)/i;

/** What credential a text holds, if any. */
export function credentialIn(text: string): string | undefined {
  return CREDENTIAL_PATTERNS.find(({ pattern }) => pattern.test(text))?.what;
}

function checkConfigMap(resource: PolicyResource): Violation[] {
  const violations: Violation[] = [];
  for (const field of ["data", "binaryData"] as const) {
    const entries = valueAt(resource.props, field);
    if (typeof entries !== "object" || entries === null) continue;
    for (const [key, raw] of Object.entries(entries)) {
      if (typeof raw !== "string" || raw === "" || isPreviewUnknown(raw)) continue;
      const text = field === "binaryData" ? Buffer.from(raw, "base64").toString("utf8") : raw;
      const found = credentialIn(text) ?? (CREDENTIAL_NAME.test(key) ? `a value under the credential-named key ${key}` : undefined);
      if (found) {
        violations.push({ message: `ConfigMap ${resource.name} ${field}.${key} holds ${found}: ConfigMaps are plain text; put it in a Secret and mount or reference that.` });
      }
    }
  }
  return violations;
}

/** Pod specs of a workload (or the pod itself). */
function podSpecs(resource: PolicyResource): unknown[] {
  const type = resource.type;
  if (!type.startsWith("kubernetes:")) return [];
  if (type.endsWith(":Pod")) return [valueAt(resource.props, "spec")];
  if (type.endsWith(":CronJob")) return [valueAt(resource.props, "spec.jobTemplate.spec.template.spec")];
  if (/:(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|ReplicationController)$/.test(type)) return [valueAt(resource.props, "spec.template.spec")];
  return [];
}

function checkEnv(resource: PolicyResource): Violation[] {
  const violations: Violation[] = [];
  for (const spec of podSpecs(resource)) {
    if (typeof spec !== "object" || spec === null) continue;
    const containers = [valueAt(spec as Record<string, unknown>, "containers"), valueAt(spec as Record<string, unknown>, "initContainers")]
      .filter(Array.isArray)
      .flat() as Record<string, unknown>[];
    for (const container of containers) {
      const env = container?.env;
      if (!Array.isArray(env)) continue;
      for (const variable of env as Record<string, unknown>[]) {
        const name = String(variable?.name ?? "");
        const value = variable?.value;
        // valueFrom (secretKeyRef) is the right way; only a literal value is plain text.
        if (typeof value !== "string" || value === "" || isPreviewUnknown(value)) continue;
        const found = credentialIn(value) ?? (CREDENTIAL_NAME.test(name) ? "a literal credential" : undefined);
        if (found) {
          violations.push({
            message: `${resource.name} container ${String(container.name)} env ${name} holds ${found} in plain text: use valueFrom.secretKeyRef.`,
          });
        }
      }
    }
  }
  return violations;
}

export const noPlaintextSecrets: PolicyDefinition<Record<string, never>> = definePolicy({
  name: "no-plaintext-secrets",
  description: "No ConfigMap or container env var may carry a credential (password, basic-auth, htpasswd line, nginx credential check or map entry): credentials belong in Secrets.",
  enforcementLevel: "mandatory",
  config: noPlaintextSecretsConfig as unknown as PolicyDefinition<Record<string, never>>["config"],
  checkResource: (resource) => (resource.type === CONFIG_MAP_TYPE ? checkConfigMap(resource) : checkEnv(resource)),
  summarizeResources: (resources) => {
    const configMaps = resources.filter((r) => r.type === CONFIG_MAP_TYPE).length;
    const workloads = resources.filter((r) => podSpecs(r).length > 0).length;
    return `${configMaps} ConfigMaps and ${workloads} workloads checked`;
  },
});
