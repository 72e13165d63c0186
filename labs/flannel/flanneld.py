#!/usr/bin/env python3
"""The lab's flannel agent: `python3 labs/flannel/flanneld.py --help`.

Runs with any Python 3.9+ and nothing but the standard library; the code is in
flannel_agent/ beside this file.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from flannel_agent.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
