// Book pages (templates/book.html): the current page's entry in the book's tree scrolled
// into view (within the tree, the window stays where it is), and on phones the tree as a
// drawer, opened by the "Contents" button, closed by Escape, the × button, a click
// outside, or following a link; the page behind it is inert meanwhile.

const nav = document.getElementById("book-nav");
const openButton = document.querySelector(".book-nav__open");
const closeButton = document.querySelector(".book-nav__close");
const phone = window.matchMedia("(max-width: 899px)");

function scrollCurrentIntoView() {
  const current = nav && nav.querySelector("[aria-current='page']");
  if (!current || nav.scrollHeight <= nav.clientHeight) return;
  const navBox = nav.getBoundingClientRect();
  const box = current.getBoundingClientRect();
  nav.scrollTop += box.top - navBox.top - (nav.clientHeight - box.height) / 2;
}

let backdrop = null;

function setOpen(open) {
  nav.classList.toggle("is-open", open);
  openButton.setAttribute("aria-expanded", String(open));
  // while the drawer is open, what is behind it takes neither focus nor clicks
  for (const behind of document.querySelectorAll("body > header, main, body > footer")) {
    behind.inert = open;
  }
  if (open) {
    backdrop = document.createElement("div");
    backdrop.className = "book-drawer-backdrop";
    backdrop.addEventListener("click", () => setOpen(false));
    nav.before(backdrop);
    scrollCurrentIntoView();
    (nav.querySelector("[aria-current='page']") || closeButton).focus({ preventScroll: true });
  } else {
    if (backdrop) backdrop.remove();
    backdrop = null;
  }
}

if (nav && openButton && closeButton) {
  document.documentElement.classList.add("has-book-drawer");
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.documentElement.classList.add("book-drawer-ready");
  }));
  openButton.hidden = false;
  closeButton.hidden = false;
  openButton.addEventListener("click", () => setOpen(true));
  closeButton.addEventListener("click", () => { setOpen(false); openButton.focus(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("is-open")) {
      setOpen(false);
      openButton.focus();
    }
  });
  nav.addEventListener("click", (event) => {
    if (event.target.closest("a") && phone.matches) setOpen(false);
  });
  phone.addEventListener("change", () => { if (!phone.matches) setOpen(false); });
}
scrollCurrentIntoView();
