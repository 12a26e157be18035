"""`python -m zfaudit …`: the same command as the `zfaudit` console script."""

from .cli import cli

cli(prog_name="zfaudit")
