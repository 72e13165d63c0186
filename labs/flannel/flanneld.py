#!/usr/bin/env python3
"""The lab's flannel agent: `python3 labs/flannel/flanneld.py --help`.

Runs with any Python 3.9+ and nothing but the standard library; the code is in
flannel_agent/ beside this file.
"""

import sys

from flannel_agent.main import main  # the script's own folder is first on the path

if __name__ == "__main__":
    sys.exit(main())
