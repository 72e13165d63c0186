"""Write the stand-in for Jeff Dean's "The Rise of Cloud Computing Systems" slides.

The original slides are not available to this site, so the post about the talk embeds a
short PDF of the author's own notes instead. This script is its source: the committed PDF
is regenerated from the text below, byte for byte (fixed creation date, no timestamps).

Each page carries one distinctive word that appears on no other page (PAGE_WORDS), so the
PDF viewer's tests can tell which page is drawn.

    python -m tools.make_slides_pdf [OUT.pdf]
"""
import datetime as dt
import sys
from pathlib import Path

from fpdf import FPDF

OUT = Path("content/files/jeff-dean-rise-of-cloud-computing-systems-notes.pdf")
CREATED = dt.datetime(2016, 5, 5, 12, 0, tzinfo=dt.timezone.utc)

# The word a viewer test can look for on each page (1-based); each is on that page only.
PAGE_WORDS = {1: "Multics", 2: "MapReduce", 3: "Spanner"}

TITLE = "The Rise of Cloud Computing Systems"
SUBTITLE = "Notes on Jeff Dean's talk, SOSP History Day, October 2015"
STAND_IN = ("Stand-in: the author's own notes, not the original slides "
            "(which are not available here).")

# (heading, [bullets]); ASCII only, as the PDF core fonts are Latin-1.
PAGES = [
    ("1. Before the cloud", [
        "1960s: Multics and the idea of computing as a utility, like power or water.",
        "Distributed systems up to the mid 1990s: modest clusters at one site "
        "(e.g. Grapevine) or wide, decentralized systems (DNS).",
        "High-performance computing: all about speed; a failed node stops the job, "
        "which restarts from a checkpoint.",
        "Databases and transaction processing: structured data, consistency, ACID; "
        "scale came from bigger machines, at a high price.",
        "What changed: web search. Hundreds of millions of pages, then many billions; "
        "huge query rates; answers in well under a second.",
        "Research pointed the way: networks of workstations (NOW, 1995) and "
        "cluster-based network services (SOSP 1997).",
    ]),
    ("2. Commodity machines, reliability in software", [
        "Google around 1999: many cheap PCs instead of a few large servers; "
        "best performance per dollar, early racks even built on cork boards.",
        "At that scale something is always broken: disks, machines, racks, "
        "power, networks, operators. Failure is the normal case.",
        "So fault tolerance moves into software, behind simple abstractions:",
        "GFS (2003): one file system over thousands of disks, replicated chunks.",
        "MapReduce (2004): write map and reduce; the framework splits the work, "
        "reruns failed tasks, and moves computation to the data.",
        "Bigtable (2006): a sparse, sorted, distributed table; Chubby (2006) for "
        "locks and leader election. Elsewhere: Dynamo (2007), Dryad (2007).",
    ]),
    ("3. From internal systems to public clouds", [
        "Spanner (2012): a database replicated across data centers, with "
        "externally consistent transactions thanks to TrueTime.",
        "Running the work: one shared cluster scheduler places every job "
        "(Borg at Google); isolation with VMs or with containers.",
        "Public clouds open the same economics to everyone: AWS S3 and EC2 (2006), "
        "App Engine (2008), Azure (2010), Google Cloud Platform.",
        "Lessons I took away: design for 10x growth, but rewrite before 100x; "
        "watch the tail latency, not the average; know the basic latency numbers.",
        "What comes next, as the talk sees it: machine learning as a cloud "
        "workload, and hardware specialized for it.",
        "My notes, written after watching the talk; any errors are mine.",
    ]),
]


def check_page_words() -> None:
    """Each page's word must be on that page and on no other, or the tests prove nothing."""
    texts = [" ".join([heading, *bullets]) for heading, bullets in PAGES]
    texts[0] = " ".join([TITLE, SUBTITLE, STAND_IN, texts[0]])
    for number, word in PAGE_WORDS.items():
        pages = [i + 1 for i, text in enumerate(texts) if word in text]
        if pages != [number]:
            raise SystemExit(f"{__file__}: {word!r} must be on page {number} only, is on {pages}")


def build() -> FPDF:
    """A 16:9 landscape PDF, one page per entry of PAGES."""
    pdf = FPDF(orientation="L", unit="mm", format=(180, 320))
    pdf.set_creation_date(CREATED)
    pdf.set_producer("tools/make_slides_pdf.py (fpdf2)")
    pdf.set_title(f"{TITLE} - notes (stand-in)")
    pdf.set_author("Cloud Native Notes")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 16, 20)
    for number, (heading, bullets) in enumerate(PAGES, start=1):
        pdf.add_page()
        if number == 1:
            pdf.set_font("Helvetica", "B", 26)
            pdf.cell(0, 12, TITLE, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 15)
            pdf.cell(0, 9, SUBTITLE, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "I", 12)
            pdf.set_text_color(150, 40, 20)
            pdf.cell(0, 8, STAND_IN, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(4)
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(0, 11, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 14)
        for bullet in bullets:
            pdf.set_x(24)
            pdf.cell(6, 7.5, "-")
            pdf.multi_cell(0, 7.5, bullet, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        pdf.set_font("Helvetica", "", 10)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(20, 166)
        pdf.cell(0, 6, f"Stand-in notes, page {number} of {len(PAGES)}", align="R")
        pdf.set_text_color(0, 0, 0)
    return pdf


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    check_page_words()
    out.parent.mkdir(parents=True, exist_ok=True)
    build().output(str(out))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
