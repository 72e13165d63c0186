// The light / dark / auto switch in the header. "auto" (the default) follows the system;
// a choice is remembered (localStorage "theme") and set as <html data-theme> by the
// small script at the top of every page, before anything is drawn, so a page never
// flashes the other scheme. site.css and pygments.css read data-theme.

const ORDER = ["auto", "light", "dark"];
const KEY = "theme";
const WORDS = {
  en: { auto: "Theme: automatic, as the system", light: "Theme: light", dark: "Theme: dark", next: "switch to {next}",
        names: { auto: "automatic", light: "light", dark: "dark" } },
  zh: { auto: "主题：自动（跟随系统）", light: "主题：浅色", dark: "主题：深色", next: "切换为{next}",
        names: { auto: "自动", light: "浅色", dark: "深色" } },
};

export function currentTheme() {
  const chosen = document.documentElement.dataset.theme;
  return chosen === "light" || chosen === "dark" ? chosen : "auto";
}

export function setTheme(theme) {
  const root = document.documentElement;
  if (theme === "auto") delete root.dataset.theme; else root.dataset.theme = theme;
  try {
    if (theme === "auto") localStorage.removeItem(KEY); else localStorage.setItem(KEY, theme);
  } catch { /* storage off: the choice lasts for this page */ }
}

export function setupThemeSwitch(button = document.querySelector(".theme-switch")) {
  if (!button) return;
  const w = document.documentElement.lang.startsWith("zh") ? WORDS.zh : WORDS.en;
  const show = () => {
    const theme = currentTheme();
    const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    button.dataset.theme = theme;
    button.setAttribute("aria-label", `${w[theme]}; ${w.next.replace("{next}", w.names[next])}`);
    button.title = w[theme];
  };
  button.addEventListener("click", () => {
    setTheme(ORDER[(ORDER.indexOf(currentTheme()) + 1) % ORDER.length]);
    show();
  });
  show();
}
