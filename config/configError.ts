import { RunError } from "@pulumi/pulumi/errors";

/** A bad stack config. A RunError: the Pulumi CLI prints its one line without a stack trace. */
export class ConfigError extends RunError {}
