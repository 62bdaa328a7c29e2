/** The part of madge's API the import-cycle test uses (madge ships no type declarations). */
declare module "madge" {
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    excludeRegExp?: RegExp[];
    detectiveOptions?: Record<string, unknown>;
  }
  interface MadgeResult {
    /** Each module and the modules it imports, paths relative to baseDir. */
    obj(): Record<string, string[]>;
    /** Every import cycle, as the list of modules in it. */
    circular(): string[][];
  }
  function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
  export default madge;
}
