"""What a lab is and what its run left, for readers of labs that do not run them (the site).

The site imports this module only, never the runner: the lab format (lab.md, parsed),
where the labs are, the record schema's fingerprint of a lab's sources, and the
transcript a lab shows before it was ever run.
"""
from labs import LABS_ROOT
from labs.labfile import Block, Lab, LabError, Prose, find_labs, parse_lab, parse_text
from labs.record import FORMAT as RECORD_FORMAT
from labs.record import build_transcript, source_hash

__all__ = ["LABS_ROOT", "Block", "Lab", "LabError", "Prose", "RECORD_FORMAT", "find_labs", "parse_lab",
           "parse_text", "source_hash", "never_run_transcript"]


def never_run_transcript(lab: Lab):
    """The transcript of a lab with none committed: its prose and blocks, nothing run."""
    from labs.runner import BlockResult, RunResult

    res = RunResult(lab=lab, run_id="", status="never run", date="", duration=0.0)
    res.blocks = [BlockResult(b.name, b.role, b.line, transcript=b.is_transcript) for b in lab.blocks]
    return build_transcript(res)
