/**
 * A small client for the local control plane's API server (cluster/up.sh): JSON over HTTPS with
 * the kubeconfig's bearer token and CA. Enough for the scheduler proof (nodes, Deployments,
 * PodDisruptionBudgets, pods, evictions) without a client library.
 */
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { parse } from "yaml";

export interface KubeConnection {
  server: URL;
  ca: Buffer;
  token: string;
  kubeconfig: string;
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The running control plane's connection, from the kubeconfig cluster:up wrote. */
export function localConnection(runDir = process.env.CLUSTER_RUN_DIR): KubeConnection {
  if (!runDir) throw new Error("CLUSTER_RUN_DIR is not set: run through npm run test:cluster (it sources cluster/env.sh)");
  const kubeconfig = path.join(runDir, "kubeconfig");
  if (!fs.existsSync(kubeconfig)) throw new Error(`${kubeconfig} does not exist: the control plane is not running (npm run cluster:up)`);
  const document = parse(fs.readFileSync(kubeconfig, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority": string } }[];
    users: { user: { token: string } }[];
  };
  return {
    server: new URL(document.clusters[0].cluster.server),
    ca: fs.readFileSync(document.clusters[0].cluster["certificate-authority"]),
    token: document.users[0].user.token,
    kubeconfig,
  };
}

export class KubeApi {
  private readonly agent: https.Agent;

  constructor(readonly connection: KubeConnection) {
    this.agent = new https.Agent({ ca: connection.ca, keepAlive: true, maxSockets: 4 });
  }

  request<T = unknown>(method: string, apiPath: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          agent: this.agent,
          host: this.connection.server.hostname,
          port: this.connection.server.port,
          path: apiPath,
          method,
          headers: {
            authorization: `Bearer ${this.connection.token}`,
            accept: "application/json",
            ...(payload !== undefined ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            if (status >= 200 && status < 300) resolve(json as T);
            else reject(new KubeError(status, `${method} ${apiPath}: ${status} ${(json as { message?: string } | undefined)?.message ?? text.slice(0, 200)}`));
          });
        },
      );
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = unknown>(apiPath: string): Promise<T> {
    return this.request<T>("GET", apiPath);
  }

  post<T = unknown>(apiPath: string, body: unknown): Promise<T> {
    return this.request<T>("POST", apiPath, body);
  }

  /** Deletes; a missing object is not an error. */
  async delete(apiPath: string, body?: unknown): Promise<void> {
    try {
      await this.request("DELETE", apiPath, body);
    } catch (err) {
      if (!(err instanceof KubeError && err.status === 404)) throw err;
    }
  }

  patch<T = unknown>(apiPath: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", apiPath, body, "application/merge-patch+json");
  }

  close(): void {
    this.agent.destroy();
  }
}
