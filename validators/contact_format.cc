#include "validators/contact_format.h"

namespace rosterd {
namespace {

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool local_char(char c) {
  if (ascii_alnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
    case '.':
      return true;
    default:
      return false;
  }
}

bool valid_domain(std::string_view d) {
  if (d.size() < 2 || d.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  bool last_all_digits = true;
  while (start <= d.size()) {
    std::size_t end = d.find('.', start);
    if (end == std::string_view::npos) end = d.size();
    const std::string_view label = d.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    last_all_digits = true;
    for (char c : label) {
      if (!ascii_alnum(c) && c != '-') return false;
      if (!(c >= '0' && c <= '9')) last_all_digits = false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2 && !last_all_digits;
}

}  // namespace

bool valid_email(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view local = text.substr(0, at);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  for (char c : local) {
    if (!local_char(c)) return false;
  }
  return valid_domain(text.substr(at + 1));
}

std::optional<std::string> normalized_phone(std::string_view text) {
  // An extension is not part of the number.
  for (std::string_view mark : {"ext.", "ext", "x", "X"}) {
    const std::size_t at = text.rfind(mark);
    if (at == std::string_view::npos || at == 0) continue;
    std::string_view rest = text.substr(at + mark.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '.'))
      rest.remove_prefix(1);
    bool digits = !rest.empty();
    for (char c : rest)
      digits = digits && c >= '0' && c <= '9';
    if (digits) {
      text = text.substr(0, at);
      break;
    }
  }
  std::string out;
  bool open = false, closed = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c == '+' && out.empty() && !open && text.find_first_not_of(' ') == i) {
      out += c;
    } else if (c == ' ' || c == '.' || c == '-') {
    } else if (c == '(' && !open && !closed) {
      open = true;
    } else if (c == ')' && open && !closed) {
      closed = true;
    } else {
      return std::nullopt;
    }
  }
  if (open != closed) return std::nullopt;
  const std::size_t digits = out.size() - (!out.empty() && out[0] == '+' ? 1 : 0);
  if (digits < 7 || digits > 15) return std::nullopt;
  return out;
}

}  // namespace rosterd
