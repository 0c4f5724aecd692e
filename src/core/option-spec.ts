/**
 * A declared command-line option (data): the CLI builds parsing, validation and help from a table of these, and
 * experiments declare their own options the same way. Kinds: `int` (decimal digits only, bounds), `number`
 * (finite, bounds), `string`, `enum` (one of `choices`), `boolean` (a switch), `list` (comma-separated strings),
 * `int-list` (comma-separated integers and ranges `a-b`, e.g. "0-9" or "10-20,25").
 */
export type OptionKind = "int" | "number" | "string" | "enum" | "boolean" | "list" | "int-list";

export interface OptionSpec {
  /** Long name without dashes, e.g. "out-dir". */
  name: string;
  kind: OptionKind;
  /** Placeholder in help, e.g. "FILE", "N", "LIST". */
  arg?: string;
  description: string;
  /** Shown as "(default …)" in help; the command applies it. */
  defaultText?: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  short?: string;
  /** Required in the branch(es) where it applies. */
  required?: boolean;
}
