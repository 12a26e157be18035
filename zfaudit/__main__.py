"""`python -m zfaudit …`: the same command as the `zfaudit` console script."""

from .cli import main

main()
