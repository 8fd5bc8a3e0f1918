"""Global options before or after the command: `gridcenter case list --db URL` works as
`gridcenter --db URL case list` does.

Click reads an option only at the level that declares it, so the root command moves the
global options it finds further on to the front before it parses. An option a command
declares itself (`audit --operator`, `bench --db`) stays that command's.
"""

from typing import Any

from typer import _click
from typer.core import TyperGroup, TyperOption


def _takes_value(option: _click.Parameter) -> bool:
    return isinstance(option, TyperOption) and not option.is_flag and not option.count


def _options(command: _click.Command) -> dict[str, _click.Parameter]:
    return {
        name: param
        for param in command.params
        if isinstance(param, TyperOption)
        for name in (*param.opts, *param.secondary_opts)
    }


def hoist_global_options(ctx: _click.Context, root: TyperGroup, args: list[str]) -> list[str]:
    """`args` with the root's options that follow a command moved in front of it."""
    globals_ = _options(root)
    front: list[str] = []
    rest: list[str] = []
    command: _click.Command = root
    unknown = False  # a command name Click will refuse: stop following the line
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            rest.append(token)
            rest.extend(tokens)
            break
        if not token.startswith("-") or token == "-":
            rest.append(token)
            if isinstance(command, TyperGroup) and not unknown:
                sub = command.get_command(ctx, token)
                unknown = sub is None
                command = sub or command
            continue
        name, has_value, _ = token.partition("=")
        own = _options(command)
        if name in own:
            option, target = own[name], front if command is root else rest
        elif name in globals_:
            option, target = globals_[name], front
        else:
            rest.append(token)  # --help, or a mistake Click will name
            continue
        target.append(token)
        if _takes_value(option) and not has_value:
            target.extend(value for value in [next(tokens, None)] if value is not None)
    return front + rest


def _commands(group: TyperGroup) -> list[_click.Command]:
    found: list[_click.Command] = []
    for command in group.commands.values():
        found.append(command)
        if isinstance(command, TyperGroup):
            found.extend(_commands(command))
    return found


class GlobalOptionsGroup(TyperGroup):
    """The root command: its options are accepted anywhere on the line, and every command's
    help names the ones it does not declare itself."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        globals_ = [o for o in self.params if isinstance(o, TyperOption) and _takes_value(o)]
        for command in _commands(self):
            own = _options(command)
            names = [o.opts[0] for o in globals_ if not set(o.opts) & own.keys()]
            line = f"Also {', '.join(names)}: see gridcenter --help."
            command.epilog = f"{command.epilog}\n\n{line}" if command.epilog else line

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(ctx, self, args))
