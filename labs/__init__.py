"""The lab harness: `python -m labs list | run NAME | sweep | bench` (see labs/README.md)."""
from pathlib import Path

LABS_ROOT = Path(__file__).resolve().parent
