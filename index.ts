/** Pulumi entry point (Pulumi.yaml `main`): validate the selected stack's config, then declare it. */
import { defineStack, stackConfigFromRuntime } from "./program";

export = defineStack(stackConfigFromRuntime());
