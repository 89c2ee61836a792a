#include "console/html.h"

#include "core/html_text.h"

namespace rosterd {
std::string html(std::string_view text) {
  return html_escape(text);
}

std::string page(const PageFrame& f, const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html(f.title) +
      " · rosterd</title>\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n</head>\n"
      "<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n"
      "<nav aria-label=\"Main\"><a class=\"brand\" href=\"/\">rosterd</a>";
  if (!f.user_name.empty()) {
    out += "<span class=\"who\">Signed in as " + html(f.user_name) + "</span>" +
           post_form("/logout", f.csrf, "", "Sign out");
  }
  out += "</nav>\n</header>\n<main id=\"main\">\n";
  if (!f.crumbs.empty()) {
    out += "<nav aria-label=\"Breadcrumb\" class=\"crumbs\"><ol>";
    for (const auto& [href, label] : f.crumbs)
      out += "<li><a href=\"" + html(href) + "\">" + html(label) + "</a></li>";
    out += "</ol></nav>\n";
  }
  out += "<h1>" + html(f.title) + "</h1>\n" + body + "</main>\n</body>\n</html>\n";
  return out;
}

std::string post_form(const std::string& action, const std::string& csrf, const std::string& fields,
                      const std::string& button, bool danger) {
  return "<form method=\"post\" action=\"" + html(action) +
         "\"><input type=\"hidden\" name=\"csrf\" value=\"" + html(csrf) + "\">" + fields +
         "<button type=\"submit\"" + (danger ? " class=\"danger\"" : "") + ">" + html(button) +
         "</button></form>";
}

std::string_view console_stylesheet() {
  // Colours meet WCAG 2.1 AA contrast (4.5:1 for text) on their backgrounds; focus is always
  // visible; layout reflows to one column on a phone.
  return R"css(
:root { --ink: #1b1f24; --muted: #4a525c; --line: #c9ced6; --bg: #ffffff; --panel: #f4f6f8;
  --link: #0b4f9c; --ok: #1f6b33; --warn: #7a4b00; --bad: #a4161a; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
a { color: var(--link); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 2; }
header { background: #14324f; color: #fff; padding: .5rem 1rem; }
header nav { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
header a, header .who { color: #fff; }
header .brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; }
header form { margin: 0 0 0 auto; }
header button { background: transparent; color: #fff; border: 1px solid #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
.crumbs ol { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
.crumbs li + li::before { content: "›"; margin-right: .5rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--panel); }
.table-wrap { overflow-x: auto; }
.state { font-weight: 700; }
.state-committed, .state-ok { color: var(--ok); }
.state-held, .state-warning { color: var(--warn); }
.state-refused, .state-failed, .state-rejected, .state-error { color: var(--bad); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 4px;
  padding: .75rem 1rem; margin: .75rem 0; }
.notice { border-left: 4px solid var(--link); }
.problem { border-left: 4px solid var(--bad); }
form { display: inline-block; margin: .25rem .5rem .25rem 0; }
form.stack { display: block; max-width: 30rem; }
form.stack label { display: block; margin-top: .75rem; font-weight: 600; }
input[type=text], input[type=email], input[type=password], input[type=search], select, textarea {
  font: inherit; padding: .4rem; border: 1px solid #6b7480; border-radius: 3px; max-width: 100%; }
form.stack input, form.stack textarea { width: 100%; }
button { font: inherit; padding: .4rem .9rem; border-radius: 3px; border: 1px solid #0b4f9c;
  background: #0b4f9c; color: #fff; cursor: pointer; }
button.danger { background: var(--bad); border-color: var(--bad); }
.muted { color: var(--muted); }
.old { text-decoration: line-through; color: var(--muted); }
.pager { display: flex; gap: 1rem; margin: .5rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
@media (max-width: 40rem) { th, td { padding: .3rem; font-size: .95rem; }
  dl.facts { grid-template-columns: 1fr; } }
)css";
}

}  // namespace rosterd
