/**
 * A stack policy's view reads the props @pulumi/policy decoded, not its unknown-checking proxy: a
 * ceiling must see a preview unknown as a value to judge, never as a throw.
 */
import { UNKNOWN } from "../../graph/resourceRecord";
import { copiedOutOfProxy, withoutUnknownProxy } from "../../policies/resourceView";

// @pulumi/policy's own proxy, the one it wraps every resource's props in (it declares no types for it).
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: (props: object) => Record<string, unknown> };

describe("withoutUnknownProxy", () => {
  const decoded = { name: "seeds", nodeCount: UNKNOWN, autoscaling: { maxNodeCount: 4, minNodeCount: UNKNOWN }, nodeLocations: ["us-central1-a"] };

  it("reads the proxy's unknowns as the sentinel instead of throwing", () => {
    const proxied = unknownCheckingProxy(decoded);
    expect(() => proxied.nodeCount).toThrow();
    const plain = withoutUnknownProxy(proxied);
    expect(plain.nodeCount).toBe(UNKNOWN);
    expect((plain.autoscaling as Record<string, unknown>).minNodeCount).toBe(UNKNOWN);
  });

  it("takes the object @pulumi/policy wrapped, with the same values as a copy out of the proxy", () => {
    const proxied = unknownCheckingProxy(decoded);
    // The object itself: no walk over the proxy (if @pulumi/policy stops handing it out, this fails and the copy is used).
    expect(withoutUnknownProxy(proxied)).toBe(decoded);
    expect(copiedOutOfProxy(proxied)).toEqual(decoded);
  });

  it("copies plain props", () => {
    expect(withoutUnknownProxy(decoded)).toEqual(decoded);
  });
});
