// The console's pages are HTML made on the server: this is the frame every page shares (head,
// navigation, the signed-in user, sign out), escaping, and the stylesheet. No JavaScript: every
// action is a form, so the console works with scripts off and a strict Content-Security-Policy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

// Text for HTML content and attribute values: & < > " ' escaped; bytes that are not UTF-8 shown
// as U+FFFD, control characters dropped.
std::string html(std::string_view text);

struct PageFrame {
  std::string title;                                        // the page's <h1> and <title>
  std::string user_name;                                    // signed in; empty on the sign-in pages
  std::string csrf;                                         // for the sign-out form
  std::vector<std::pair<std::string, std::string>> crumbs;  // (href, label) above the title
};

// A whole page around `body` (already HTML).
std::string page(const PageFrame& frame, const std::string& body);

// A form that POSTs to `action` with the session's CSRF token, its `fields` (HTML) and a
// submit button labelled `button`; `danger` styles the button as a warning.
std::string post_form(const std::string& action, const std::string& csrf, const std::string& fields,
                      const std::string& button, bool danger = false);

// The stylesheet served at /static/console.css.
std::string_view console_stylesheet();

}  // namespace rosterd
