"""`python -m retrieval.cli`: the `bronwijzer` command without its console script."""

import sys

from retrieval.cli import main

sys.exit(main())
