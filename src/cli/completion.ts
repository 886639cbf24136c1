import type { Command, Option } from 'commander';

/** One node of the command tree as completion needs it: a path, its subcommands, its options. */
interface CompletionNode {
  /** Space-separated command path below the program, e.g. `create cluster` ('' for the program). */
  path: string;
  subcommands: { name: string; description: string }[];
  /** The choices of the command's first argument, offered like subcommands (e.g. bash zsh fish). */
  argumentChoices: readonly string[];
  options: {
    flags: string[];
    description: string;
    choices?: readonly string[];
    file: boolean;
    takesValue: boolean;
  }[];
}

/** Options whose value is a file name: the shell completes paths for them. */
const FILE_VALUE = /^(file|output-file|clouds-yaml|state|state-dir|ca-file)$/;

/** Walks commander's tree (so completion always matches the real flags), with the global options inherited. */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const optionsOf = (cmd: Command, inherited: readonly Option[]): CompletionNode['options'] =>
    [...cmd.options, ...inherited]
      .filter((o) => !o.hidden)
      .map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
        description: o.description,
        ...(o.argChoices ? { choices: o.argChoices } : {}),
        file: FILE_VALUE.test(o.attributeName().replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)),
        takesValue: o.required || o.optional,
      }));
  const visit = (cmd: Command, path: string): void => {
    const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      subcommands: visible.map((c) => ({ name: c.name(), description: c.description() })),
      argumentChoices: cmd.registeredArguments[0]?.argChoices ?? [],
      // the program's own options (--debug, --no-color, …) are accepted after any command too
      options: [
        ...optionsOf(cmd, path === '' ? [] : program.options),
        { flags: ['-h', '--help'], description: 'display help', file: false, takesValue: false },
      ],
    });
    for (const sub of visible) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return nodes;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** bash: a function that finds the command path in the words typed so far, then offers what fits there. */
export function bashCompletion(program: Command): string {
  const nodes = completionTree(program);
  const caseOf = (entries: [string, string][]): string =>
    entries.map(([pattern, body]) => `    ${pattern}) ${body} ;;`).join('\n');
  const subcommands = caseOf(
    nodes
      .filter((n) => n.subcommands.length > 0)
      .map((n) => [quote(n.path), `echo ${quote(n.subcommands.map((s) => s.name).join(' '))}`]),
  );
  const words = caseOf(
    nodes
      .filter((n) => n.subcommands.length + n.argumentChoices.length > 0)
      .map((n) => [
        quote(n.path),
        `echo ${quote([...n.subcommands.map((s) => s.name), ...n.argumentChoices].join(' '))}`,
      ]),
  );
  const options = caseOf(
    nodes.map((n) => [quote(n.path), `echo ${quote(n.options.flatMap((o) => o.flags).join(' '))}`]),
  );
  const values = caseOf(
    nodes.flatMap((n) =>
      n.options
        .filter((o) => o.takesValue)
        .map((o): [string, string] => [
          o.flags.map((f) => quote(`${n.path}|${f}`)).join('|'),
          o.choices ? `echo ${quote(o.choices.join(' '))}` : o.file ? 'echo @file' : 'echo @any',
        ]),
    ),
  );
  const name = program.name();
  return `# ${name} completion for bash; generated from the command tree by \`${name} completion bash\`.
# Load it with: source <(${name} completion bash)
_${name}_subcommands() {
  case "$1" in
${subcommands}
  esac
}
# what may stand in a word that is not an option: the subcommands, or the argument's choices
_${name}_words() {
  case "$1" in
${words}
  esac
}
_${name}_options() {
  case "$1" in
${options}
  esac
}
# what an option's value may be: its choices, @file (a path) or @any; nothing for a flag without a value
_${name}_value() {
  case "$1|$2" in
${values}
  esac
}
_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i value subs positional=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      -*) [ -n "$(_${name}_value "$path" "$word")" ] && i=$((i + 1)); continue ;;
    esac
    subs=" $(_${name}_subcommands "$path") "
    if [[ "$subs" == *" $word "* ]]; then path="\${path:+$path }$word"; else positional=$((positional + 1)); fi
  done
  if ((COMP_CWORD > 1)); then
    value="$(_${name}_value "$path" "\${COMP_WORDS[COMP_CWORD - 1]}")"
    case "$value" in
      @file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      @any) COMPREPLY=(); return ;;
      ?*) COMPREPLY=($(compgen -W "$value" -- "$cur")); return ;;
    esac
  fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(_${name}_options "$path")" -- "$cur")) ;;
    *) ((positional > 0)) && return
      COMPREPLY=($(compgen -W "$(_${name}_words "$path")" -- "$cur")) ;;
  esac
}
complete -o default -F _${name} ${name}
`;
}

/** zsh: the bash function through zsh's bashcompinit, as many CLIs ship it. */
export function zshCompletion(program: Command): string {
  const name = program.name();
  return `#compdef ${name}
# ${name} completion for zsh; generated by \`${name} completion zsh\`.
# Load it with: source <(${name} completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)
  .split('\n')
  .filter((l) => !l.startsWith('# '))
  .join('\n')}`;
}

/** fish: one `complete` line per subcommand and option, conditioned on the command path typed so far. */
export function fishCompletion(program: Command): string {
  const name = program.name();
  const nodes = completionTree(program);
  const lines = [
    `# ${name} completion for fish; generated by \`${name} completion fish\`.`,
    `# Load it with: ${name} completion fish | source`,
    `function __${name}_at --argument-names want --description 'is the ${name} command path typed so far this one?'`,
    `    set -l path`,
    `    for w in (commandline -opc)[2..-1]`,
    `        string match -q -- '-*' $w; and continue`,
    `        set -l longer (string trim -- "$path $w")`,
    `        contains -- "$longer" ${nodes.map((n) => quote(n.path)).join(' ')}; and set path "$longer"`,
    `    end`,
    `    test "$path" = "$want"`,
    `end`,
    `complete -c ${name} -f`,
  ];
  for (const node of nodes) {
    const when = `-n ${quote(`__${name}_at ${quote(node.path)}`)}`;
    for (const sub of node.subcommands)
      lines.push(`complete -c ${name} ${when} -a ${quote(sub.name)} -d ${quote(sub.description)}`);
    if (node.argumentChoices.length > 0)
      lines.push(`complete -c ${name} ${when} -a ${quote(node.argumentChoices.join(' '))}`);
    for (const o of node.options) {
      const short = o.flags.find((f) => /^-[^-]/.test(f));
      const long = o.flags.find((f) => f.startsWith('--'));
      const parts = [
        `complete -c ${name} ${when}`,
        short ? `-s ${short.slice(1)}` : '',
        long ? `-l ${long.slice(2)}` : '',
        // -F: complete file names for this value; -x: a value that is not a file
        o.takesValue ? (o.file ? '-r -F' : '-x') : '',
        o.choices ? `-a ${quote(o.choices.join(' '))}` : '',
        `-d ${quote(o.description)}`,
      ];
      lines.push(parts.filter(Boolean).join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}
