/**
 * The blockchain proxy's nginx configuration, as text (the spec and its checks are in
 * nginxConfigSpec.ts, the client credential checks it includes in credentialChecks.ts).
 *
 * Pure functions (no Pulumi runtime): `BlockchainProxy` puts the output into a ConfigMap, and the
 * tests in tests/proxy run the real nginx binary on exactly this text. The target is nginx 1.22 (Debian bookworm's package and the `nginxinc/nginx-unprivileged:1.22` image),
 * running as a non-root user with a read-only root filesystem and a writable /tmp.
 *
 * The order of answers, as nginx 1.22 really applies it (its phases: reading the request, server
 * rewrite, find config, rewrite, preaccess, access, content), each step proven on the
 * real nginx by tests/proxy/answerOrder.test.ts:
 *  1. 400 / 414 / 431 / 405 / 501: a malformed request line or header, a URI or header too long,
 *     TRACE, an unknown Transfer-Encoding. nginx answers these while reading the request.
 *  2. 403: the source address is outside the allowed ranges (server-level `if`, server rewrite phase).
 *  3. 413: the announced Content-Length is over the body limit (checked when the location is found;
 *     the same for every path, so it says nothing about which relay chain IDs exist).
 *  4. 401: the Authorization header is not exactly one client's `Basic <base64(user:password)>`
 *     (rewrite phase of the location the path lands in, a route's or `location /`: the server-level
 *     `if`s of credentialChecks.ts named no client). No rate limit or connection cap has been touched
 *     yet, and an unknown chain ID looks like a known one. (A second Authorization header is a 400, step 1.)
 *  4b. 405 / 415: authenticated, but not a POST, or a body with a Content-Encoding (the call count
 *     cannot read it), in the same rewrite phase.
 *  5. 404: authenticated, but the path names no routed relay chain ID (`location /`, after the same
 *     checks as a route's location).
 *  6. 429: the authenticated client (name, source address, route) is over its rate (limit_req,
 *     preaccess phase of the route's location: limit_req runs before limit_conn).
 *  7. 503: the client's share of the node (maxConnectionsPerClient per source address,
 *     maxConnectionsPerCredential per credential) or the prod node's concurrency cap is full (limit_conn, same phase, then upstream max_conns).
 *  8. 413: a chunked body grows over the limit while it is read (content phase: the relay script's
 *     js_content reads the whole body into memory before anything is sent to the node).
 *  9. 413: a batch holds more than maxBatchCalls JSON-RPC calls (the relay script, nginxConfigScript.ts).
 * 10. 502 when the node refuses or drops the connection, 504 when it does not answer in time.
 * So a request that fails the source check or authentication never holds an upstream slot or spends
 * a valid client's rate allowance. Every error the proxy itself produces, nginx's own included, is a
 * JSON-RPC error object, so a validator logs a readable reason.
 */
import { BUFFERS, ZONES } from "../validation/proxyLimits";
import { CREDENTIALS_FILE } from "./credentialChecks";
import { longestRelaySeconds, NginxConfigSpec, nginxRate, upstreamsOf, validateNginxConfigSpec } from "./nginxConfigSpec";
import { MIN_CALL_BYTES, NJS_MODULE_PATH, RELAY_SCRIPT_FILE } from "./nginxConfigScript";
import type { ProxyRoute } from "./nginxConfigSpec";

/** The renderer's input, defined with its checks. */
export type { NginxConfigSpec, ProxyRoute } from "./nginxConfigSpec";

/**
 * The JSON-RPC error the proxy answers with, per HTTP status. Codes sit in JSON-RPC's
 * implementation-defined server error range (-32000..-32099) so clients treat them as server errors.
 */
export const PROXY_ERRORS: Record<number, { name: string; code: number; message: string }> = {
  401: { name: "unauthorized", code: -32001, message: "proxy: basic auth credentials missing or wrong" },
  403: { name: "forbidden", code: -32002, message: "proxy: source address not allowed" },
  404: { name: "unknown_route", code: -32003, message: "proxy: unknown relay chain ID" },
  413: { name: "body_too_large", code: -32004, message: "proxy: request body too large" },
  415: { name: "encoded_body", code: -32015, message: "proxy: Content-Encoding not accepted (send the JSON body unencoded)" },
  429: { name: "rate_limited", code: -32005, message: "proxy: rate limit exceeded" },
  503: { name: "upstream_busy", code: -32006, message: "proxy: blockchain node concurrency cap reached" },
  502: { name: "upstream_unavailable", code: -32000, message: "proxy: blockchain node unavailable" },
  504: { name: "upstream_timeout", code: -32007, message: "proxy: blockchain node timed out" },
  500: { name: "proxy_error", code: -32008, message: "proxy: internal error" },
  // nginx's own answers while it reads the request.
  400: { name: "bad_request", code: -32009, message: "proxy: malformed HTTP request" },
  405: { name: "method_not_allowed", code: -32010, message: "proxy: HTTP method not allowed (relays are POST)" },
  414: { name: "uri_too_long", code: -32011, message: "proxy: request URI too long" },
  431: { name: "header_too_large", code: -32012, message: "proxy: request header too large" },
  501: { name: "not_implemented", code: -32013, message: "proxy: transfer encoding not implemented" },
};

/** The body of a proxy error: a JSON-RPC 2.0 error response (id null: the proxy did not parse the request). */
export function proxyErrorBody(status: number): string {
  const error = PROXY_ERRORS[status];
  if (!error) throw new Error(`proxyErrorBody: no proxy error for HTTP status ${status} (known: ${Object.keys(PROXY_ERRORS).join(", ")})`);
  return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: error.code, message: error.message } });
}

/** The realm of the 401 challenge. */
export const PROXY_REALM = "blockchain proxy";

/**
 * The client a request is, set at server level from the mounted Secret (credentialChecks.ts): one
 * `if` per client comparing the whole Authorization header byte for byte. Empty for every other request.
 */
function credentialCheck(credentialsDir: string): string[] {
  return [
    "        # The client a request is: the Authorization header (\"Basic <base64>\") equal, byte for byte, to",
    "        # one client's credential in the mounted Secret, one `if` per client; empty for every other",
    "        # request, in the limits' keys and the log. Only sets the name: each location's checks refuse an empty one.",
    "        # nginx reads the file at start and reload, and a change of credentials rolls the pods.",
    `        include ${credentialsDir}/${CREDENTIALS_FILE};`,
  ];
}

/** Internal named location that answers one proxy error status with its JSON-RPC body. */
function errorLocation(status: number): string[] {
  const error = PROXY_ERRORS[status];
  // The body is a single-quoted nginx string: it holds no quote, backslash or '$' (checked here).
  const body = proxyErrorBody(status);
  if (/['\\$]/.test(body)) throw new Error(`proxy error body for ${status} cannot be written as an nginx string`);
  if (status === 401) {
    // What auth_basic would send: clients that wait for a challenge before sending credentials need it.
    return [`        location @${error.name} {`, `            add_header WWW-Authenticate 'Basic realm="${PROXY_REALM}"' always;`, `            return ${status} '${body}\\n';`, "        }"];
  }
  if (status === 405) {
    return [`        location @${error.name} {`, "            add_header Allow POST always;", `            return ${status} '${body}\\n';`, "        }"];
  }
  if (URI_ERROR_STATUSES.includes(status)) {
    // No body limit here: the request that failed may announce any Content-Length.
    return [`        location = ${uriErrorPage(status)} {`, "            internal;", "            client_max_body_size 0;", `            return ${status} '${body}\\n';`, "        }"];
  }
  return [`        location @${error.name} {`, `            return ${status} '${body}\\n';`, "        }"];
}

/**
 * Errors nginx may raise before it has a URI (a request line too long or not HTTP): it cannot
 * redirect those to a named location ("empty URI in redirect"), so they go to an internal URI.
 * The URI holds "//", which no client's URI has after nginx merges slashes (merge_slashes on), so
 * no client reaches these locations or the source check's exemption for them.
 */
const URI_ERROR_STATUSES = [400, 414];
function uriErrorPage(status: number): string {
  return `/proxy-error//${status}`;
}

function errorPageDirective(status: number): string {
  if (URI_ERROR_STATUSES.includes(status)) return `        error_page ${status} ${uriErrorPage(status)};`;
  // 494 is nginx's internal code for a header too large, sent as 400 unless overwritten: 431.
  if (status === 431) return `        error_page 494 =431 @${PROXY_ERRORS[status].name};`;
  return `        error_page ${status} @${PROXY_ERRORS[status].name};`;
}

/**
 * What every request must pass before anything else of a location (rewrite phase, in this order):
 * a client's credentials, a POST, a body the call count can read.
 */
function requestChecks(): string[] {
  return [
    "            # No client's credentials, byte for byte (the server-level check named none).",
    '            if ($relay_user = "") {',
    "                return 401;",
    "            }",
    "            # A relay is a JSON-RPC POST: no other method reaches a node (geth answers GET itself).",
    '            if ($request_method != "POST") {',
    "                return 405;",
    "            }",
    "            # An encoded body would pass the call count uncounted.",
    "            if ($relay_encoded) {",
    "                return 415;",
    "            }",
  ];
}

/** A route's limits: its client's rate, the node's cap and the client's share of it (preaccess phase, once per request). */
function routeLimits(spec: NginxConfigSpec, route: ProxyRoute): string[] {
  return [
    `            set $relay_chain_id ${route.relayChainId};`,
    `            set $blockchain_node ${route.blockchainNode};`,
    // nginx refuses "burst=0"; no burst parameter means none.
    `            limit_req zone=relay_rate${spec.rateLimit.burst > 0 ? ` burst=${spec.rateLimit.burst}` : ""} nodelay;`,
    `            limit_conn upstream_concurrency ${spec.maxConnectionsPerUpstream};`,
    `            limit_conn client_concurrency ${spec.maxConnectionsPerClient};`,
    // At the node's cap a credential's share limits nothing the cap does not: no second lookup.
    ...(spec.maxConnectionsPerCredential < spec.maxConnectionsPerUpstream ? [`            limit_conn credential_concurrency ${spec.maxConnectionsPerCredential};`] : []),
  ];
}

/** The relay to a route's node: the chain ID stripped, the client's addresses and hop-by-hop headers dropped. */
function relayToNode(spec: NginxConfigSpec, route: ProxyRoute): string[] {
  return [
    "            # The chain ID is stripped from the decoded path, whatever it holds ((?s): line breaks",
    "            # too); nginx encodes the rest again, so the node sees / or /<path>.",
    `            rewrite (?s)^/${route.relayChainId}/?(.*)$ /$1 break;`,
    `            proxy_pass http://${route.blockchainNode};`,
    "            # HTTP/1.1 without 'Connection: close' keeps the upstream connection reusable.",
    "            proxy_http_version 1.1;",
    '            proxy_set_header Connection "";',
    "            # The node sees the Host a direct client would send (geth checks it against --http.vhosts).",
    `            proxy_set_header Host ${route.upstreamHost}:${route.upstreamPort};`,
    "            # The proxy's credentials stay at the proxy; what a client says about addresses and",
    "            # hop-by-hop headers never reach the node (empty values are not sent).",
    ...DROPPED_REQUEST_HEADERS.map((header) => `            proxy_set_header ${header} "";`),
    "            # A node that does not accept a connection within seconds is down: fail fast (502/504).",
    `            proxy_connect_timeout ${Math.min(5, spec.upstreamTimeoutSeconds)}s;`,
    "            # Archive queries can take minutes; past this the relay gets 504.",
    `            proxy_read_timeout ${spec.upstreamTimeoutSeconds}s;`,
    `            proxy_send_timeout ${spec.upstreamTimeoutSeconds}s;`,
    "            # Large responses (eth_getLogs) stream through these memory buffers (counted in the",
    "            # memory check) instead of filling the memory-backed /tmp.",
    `            proxy_buffer_size ${BUFFERS.proxyBuffer / 1024}k;`,
    `            proxy_buffers ${BUFFERS.proxyBuffers.count} ${BUFFERS.proxyBuffers.size / 1024}k;`,
    "            proxy_max_temp_file_size 0;",
    "            # A relay is a POST and not idempotent: never replay it on another attempt.",
    "            proxy_next_upstream off;",
  ];
}

/** Client headers that never reach a node: credentials, address claims, hop-by-hop headers. */
export const DROPPED_REQUEST_HEADERS = [
  "Authorization",
  "Proxy-Authorization",
  "X-Forwarded-For",
  "X-Forwarded-Host",
  "X-Forwarded-Proto",
  "X-Real-IP",
  "Forwarded",
  "Keep-Alive",
  "Proxy-Connection",
  "TE",
  "Trailer",
  "Upgrade",
];

/**
 * The longest announced body that skips the call count: one byte short of the shortest batch of
 * maxBatchCalls + 1 calls (`[` and `]`, the calls, the commas between them).
 */
export function uncountedBodyBytes(maxBatchCalls: number): number {
  return (MIN_CALL_BYTES + 1) * (maxBatchCalls + 1);
}

/**
 * A regular expression for the decimal numbers from 0 to `max` as nginx sees a header (no sign, no
 * leading zeros): a Content-Length that could not be one of them takes the counted path.
 */
export function atMostPattern(max: number): string {
  const digits = String(max);
  const alternatives = ["0"];
  if (digits.length > 1) alternatives.push(digits.length === 2 ? "[1-9]" : `[1-9][0-9]{0,${digits.length - 2}}`);
  for (let i = 0; i < digits.length; i++) {
    const low = i === 0 ? 1 : 0;
    const below = Number(digits[i]) - 1;
    if (below < low) continue;
    const rest = digits.length - i - 1;
    alternatives.push(`${digits.slice(0, i)}[${low}-${below}]${rest ? `[0-9]{${rest}}` : ""}`);
  }
  alternatives.push(digits);
  return `^(?:${[...new Set(alternatives)].join("|")})$`;
}

/**
 * A complete nginx.conf for the blockchain proxy. Deterministic: the same spec gives the same text,
 * so a `pulumi up` without changes shows no diff and does not roll the pods.
 */
export function renderNginxConfig(spec: NginxConfigSpec): string {
  validateNginxConfigSpec(spec);
  const upstreams = upstreamsOf(spec.routes);
  const errorStatuses = [400, 401, 403, 404, 405, 413, 414, 415, 429, 431, 500, 501, 502, 503, 504];
  const lines: string[] = [
    "# Blockchain proxy: lets testnet validators relay to prod's blockchain nodes.",
    "# Generated by components/nginxConfig.ts; edit the stack config, not this file.",
    "",
    "# One worker per CPU the pod may use; each keeps its own pool of idle upstream connections.",
    `worker_processes ${spec.workerProcesses};`,
    "# The route locations, the body length check and each route's rewrite run a regex on every relay: compile them.",
    "pcre_jit on;",
    "# The root filesystem is read-only: the pid file and every temp path live on the /tmp emptyDir.",
    "pid /tmp/nginx.pid;",
    "# njs (Debian's libnginx-mod-http-js, in the tests and in the image): counts a batch's calls.",
    `load_module ${NJS_MODULE_PATH};`,
    "# One file descriptor per connection, plus a few for logs and temp files: the worker",
    "# sets its own limit instead of depending on the container runtime's default.",
    `worker_rlimit_nofile ${spec.workerConnections + 64};`,
    "# A graceful stop (SIGQUIT, the pod's preStop) lets relays in flight finish, for at most the longest relay.",
    `worker_shutdown_timeout ${longestRelaySeconds(spec)}s;`,
    "# Logs go to the container's stderr/stdout, where the cluster's log agent collects them.",
    "error_log stderr warn;",
    "",
    "events {",
    "    # Room for every capped relay's two connections and each node's idle pool, and far more for",
    "    # clients still sending headers, so a flood of them leaves room for relays; sized so the worst",
    "    # case of held buffers fits the pod's memory (validation/proxyLimits.ts).",
    `    worker_connections ${spec.workerConnections};`,
    "}",
    "",
    "http {",
    "    client_body_temp_path /tmp/client_temp;",
    "    proxy_temp_path /tmp/proxy_temp;",
    "    fastcgi_temp_path /tmp/fastcgi_temp;",
    "    uwsgi_temp_path /tmp/uwsgi_temp;",
    "    scgi_temp_path /tmp/scgi_temp;",
    "",
    "    # No version in the Server header or error pages.",
    "    server_tokens off;",
    "    # Every answer the proxy writes itself is JSON (JSON-RPC error objects).",
    "    default_type application/json;",
    "",
    "    # The path without the query string: queries are not logged (some chains take keys there).",
    "    # Without a query it is the request URI as sent; only a request with one runs the regex.",
    "    map $is_args $request_path {",
    '        "" $request_uri;',
    "        default $request_path_before_query;",
    "    }",
    "    map $request_uri $request_path_before_query {",
    "        ~^(?<path>[^?]*) $path;",
    "    }",
    "    # Access log without the Authorization header or any other credential; the client's name is",
    "    # kept to tell clients apart (empty when its credentials were refused).",
    "    log_format relay escape=json '{\"time\":\"$time_iso8601\",\"client\":\"$remote_addr\",\"user\":\"$relay_user\",'",
    "        '\"method\":\"$request_method\",\"path\":\"$request_path\",\"status\":$status,\"bytes\":$body_bytes_sent,'",
    "        '\"request_time\":$request_time,\"upstream\":\"$upstream_addr\",\"upstream_status\":\"$upstream_status\",'",
    "        '\"upstream_time\":\"$upstream_response_time\"}';",
    "    # Buffered: one write per 4k of lines instead of one per relay; 4k is the pipe's atomic write",
    "    # size, so lines from different workers never interleave. Lines reach the log within 1 s.",
    "    access_log /dev/stdout relay buffer=4k flush=1s;",
    "",
    "    # A relay's body is held whole in one memory buffer (the relay script reads it there), never in",
    "    # a /tmp file: the held bodies are bounded by the connection caps and counted in the memory check.",
    `    client_max_body_size ${spec.maxBodySize};`,
    `    client_body_buffer_size ${spec.maxBodySize};`,
    "    client_body_in_single_buffer on;",
    `    connection_pool_size ${BUFFERS.connectionPool};`,
    `    request_pool_size ${BUFFERS.requestPool};`,
    `    client_header_buffer_size ${BUFFERS.clientHeader};`,
    `    large_client_header_buffers ${BUFFERS.largeClientHeaders.count} ${BUFFERS.largeClientHeaders.size};`,
    "",
    "    # Slow clients lose their connection quickly (pocket-core itself gives up on a relay after 3 s):",
    "    # a header or body that stalls, an answer that is not read, an idle keep-alive. Timed-out",
    "    # connections are reset, not closed gracefully, so their memory comes back at once.",
    `    client_header_timeout ${spec.clientTimeouts.headerSeconds}s;`,
    `    client_body_timeout ${spec.clientTimeouts.bodySeconds}s;`,
    `    send_timeout ${spec.clientTimeouts.sendSeconds}s;`,
    `    keepalive_timeout ${spec.clientTimeouts.keepaliveSeconds}s;`,
    "    reset_timedout_connection on;",
    "    # A refused request's unread body is drained for at most this long.",
    `    lingering_time ${spec.clientTimeouts.bodySeconds}s;`,
    `    lingering_timeout ${spec.clientTimeouts.bodySeconds}s;`,
    "",
    "    # The relay script: counts the calls of a batch and hands the relay to its upstream location.",
    `    js_import relay from ${spec.configDir}/${RELAY_SCRIPT_FILE};`,
    "",
    "    # Rate limit per authenticated client (name and address) and route: a client flooding one",
    "    # chain cannot use up another client's or another chain's allowance, and requests that fail the",
    "    # source check or authentication never reach the limit (the preaccess phase of a route's",
    "    # location, after the rewrite phase's credential check). nodelay: requests within the burst go straight",
    "    # through, beyond it they fail fast with 429 instead of queueing behind a validator's timeout.",
    `    limit_req_zone "$relay_user $binary_remote_addr $relay_chain_id" zone=relay_rate:${ZONES.rate} rate=${nginxRate(spec.rateLimit.requestsPerSecond)};`,
    "    limit_req_status 429;",
    "    limit_req_log_level warn;",
    "    # Concurrency cap per prod blockchain node, counted across all workers and all routes to the",
    "    # node: testnet load on prod's nodes stays bounded whatever testnet sends. The key is set only",
    "    # in a route's location, after its checks (an empty key is not counted): only authenticated relays count.",
    `    limit_conn_zone $blockchain_node zone=upstream_concurrency:${ZONES.nodeConcurrency};`,
    "    # A client's share of each node: one source address (a validator pod) holds at most",
    "    # maxConnectionsPerClient of a node's slots, whatever credentials it sends, so a client that",
    "    # drips its bodies or never reads its answers cannot take the others' slots.",
    `    limit_conn_zone "$binary_remote_addr $blockchain_node" zone=client_concurrency:${ZONES.clientConcurrency};`,
    "    # A credential's share of each node, all its source addresses together: the shares of all",
    "    # clients fit the node's cap, so no client, from however many addresses, takes another's slots.",
    `    limit_conn_zone "$relay_user $blockchain_node" zone=credential_concurrency:${ZONES.credentialConcurrency};`,
    "    limit_conn_status 503;",
    "    limit_conn_log_level warn;",
    "",
  ];
  if (spec.resolver !== undefined) {
    lines.push(
      "    # Upstream names below are resolved when nginx starts or reloads (ClusterIP Services keep",
      "    # their address); this resolver serves names nginx looks up at run time.",
      `    resolver ${spec.resolver};`,
      "",
    );
  }
  for (const upstream of upstreams) {
    lines.push(
      `    upstream ${upstream.blockchainNode} {`,
      "        # Shared memory so max_conns counts across workers.",
      `        zone upstream_${upstream.blockchainNode.replace(/-/g, "_")} ${ZONES.upstreamBytes / 1024}k;`,
      "        # max_conns backs up the limit_conn cap: never more busy connections than the cap (idle",
      "        # pooled ones are not counted).",
      `        server ${upstream.address} max_conns=${spec.maxConnectionsPerUpstream};`,
      "        # Idle connections kept per worker, so a relay does not pay a TCP handshake to the node;",
      "        # below the cap, relays beyond the pool open and close connections of their own.",
      `        keepalive ${spec.keepaliveConnections};`,
      "    }",
      "",
    );
  }
  lines.push(
    "    # Source ranges allowed to use the proxy (defence in depth behind the internal load balancer's",
    "    # source ranges and the NetworkPolicy).",
    "    geo $source_allowed {",
    "        default 0;",
    ...spec.allowedSourceRanges.map((range) => `        ${range} 1;`),
    "    }",
    "    # Refused: a source outside the ranges, unless nginx itself redirected a malformed request to",
    "    # an internal error URI (that answer comes first, as nginx gives it before any phase runs).",
    "    map $uri $internal_error_page {",
    "        default 0;",
    ...URI_ERROR_STATUSES.map((status) => `        ${uriErrorPage(status)} 1;`),
    "    }",
    '    map "$source_allowed$internal_error_page" $source_refused {',
    "        default 0;",
    "        00 1;",
    "    }",
    "",
    "    # A body announced too short to hold more than maxBatchCalls calls (each at least",
    `    # ${MIN_CALL_BYTES} bytes, {"method":"x"}, and a separator) skips the relay script: the same limits, straight`,
    "    # to the node. Elements naming no method ([1,1], [{},{}]) in it are answered by the node with an",
    "    # error each and run nothing. Anything else, a chunked body included, is counted, every element.",
    "    # ($content_length is the parsed header nginx keeps: no scan of the request's headers.)",
    "    map $content_length $relay_uncounted {",
    "        default 0;",
    `        "~${atMostPattern(uncountedBodyBytes(spec.maxBatchCalls))}" 1;`,
    "    }",
    "    # A body the proxy cannot count (compressed or otherwise encoded) is refused, never passed:",
    "    # a node that inflates it would run calls no limit saw. Only no encoding or identity passes.",
    "    map $http_content_encoding $relay_encoded {",
    "        default 1;",
    '        "" 0;',
    "        identity 0;",
    "    }",
    "",
    "    server {",
    `        listen ${spec.listenPort};`,
    "",
    "        # Every error as JSON-RPC, nginx's own answers to malformed requests included.",
    ...errorStatuses.map(errorPageDirective),
    "        # Client URIs never hold \"//\" (see the internal error URIs below).",
    "        merge_slashes on;",
    "",
    "        # Refuse other sources before anything else (server rewrite phase: before routing, auth and",
    "        # limits): an outsider learns nothing and uses no rate limit state.",
    "        # Set first: the log reads it for every request, a refused source's too.",
    '        set $relay_user "";',
    "        if ($source_refused) {",
    "            return 403;",
    "        }",
    ...credentialCheck(spec.credentialsDir),
    "",
    "        # A path that names no routed relay chain ID: the same checks as a relay's, then 404, so a",
    "        # client without valid credentials gets the same 401 for every path and learns no chain ID.",
    "        location / {",
    ...requestChecks(),
    "            return 404;",
    "        }",
    "",
  );
  for (const route of spec.routes) {
    const id = route.relayChainId;
    lines.push(
      `        # Relay chain ${id} -> ${route.blockchainNode}. pocket-core POSTs to url + "/" + path, so /${id},`,
      `        # /${id}/ and /${id}/<path> all belong to it. The checks (rewrite phase) come before the limits`,
      "        # (preaccess phase): a request refused there never holds an upstream slot or spends a rate allowance.",
      `        location ~ ^/${id}(?:/|$) {`,
      ...requestChecks(),
      ...routeLimits(spec, route),
      "            # A body that may hold more than maxBatchCalls calls: the relay script reads it, counts its",
      "            # calls and hands it to the node's location; break keeps the path for that location's rewrite.",
      "            if ($relay_uncounted = 0) {",
      `                set $relay_max_batch_calls ${spec.maxBatchCalls};`,
      `                set $relay_upstream_location @upstream_${id};`,
      "                break;",
      "                js_content relay.admit;",
      "            }",
      "            # A body too short to hold more than maxBatchCalls calls: straight to the node.",
      ...relayToNode(spec, route),
      "        }",
      `        location @upstream_${id} {`,
      ...relayToNode(spec, route),
      "        }",
      "",
    );
  }
  lines.push(
    "        # The proxy's own errors, as JSON-RPC error objects (error_page targets, never reachable by a URL).",
    ...errorStatuses.flatMap((status) => errorLocation(status)),
    "    }",
    "",
    "    # kubelet probes: no auth, no source check (the kubelet connects from the node's address).",
    "    server {",
    `        listen ${spec.healthPort};`,
    "        access_log off;",
    "        location = /healthz {",
    "            return 200 '{\"status\":\"ok\"}\\n';",
    "        }",
    "        location / {",
    "            return 404 '{\"status\":\"not found\"}\\n';",
    "        }",
    "    }",
    "}",
    "",
  );
  return lines.join("\n");
}
