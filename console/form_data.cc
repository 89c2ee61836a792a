#include "console/form_data.h"

#include <algorithm>
#include <cctype>

#include "console/http_exchange.h"

namespace rosterd {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The value of `key` in a header's parameters ("form-data; name=\"x\"; filename=\"y\""): quoted
// or bare; nullopt when absent.
std::optional<std::string> header_parameter(std::string_view header, std::string_view key) {
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t semi = header.find(';', at);
    if (semi == std::string_view::npos) semi = header.size();
    std::string_view part = trim(header.substr(at, semi - at));
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      std::string_view name = trim(part.substr(0, eq));
      if (name.size() == key.size()) {
        bool same = true;
        for (std::size_t i = 0; i < name.size(); ++i)
          same = same && std::tolower(static_cast<unsigned char>(name[i])) == key[i];
        if (same) {
          std::string_view v = trim(part.substr(eq + 1));
          if (v.size() >= 2 && v.front() == '"') {
            // A quoted value may hold ';': take it to its closing quote.
            const std::size_t start = header.find('"', at) + 1;
            const std::size_t end = header.find('"', start);
            if (end == std::string_view::npos) return std::nullopt;
            return std::string(header.substr(start, end - start));
          }
          return std::string(v);
        }
      }
    }
    at = semi + 1;
  }
  return std::nullopt;
}

}  // namespace

const std::string& HttpRequest::header(const std::string& lowercase_name) const {
  static const std::string kNone;
  const auto it = headers.find(lowercase_name);
  return it == headers.end() ? kNone : it->second;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]);
      const int lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '\0') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

FormFields parse_form(std::string_view text) {
  FormFields out;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t amp = text.find('&', at);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view pair = text.substr(at, amp - at);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const auto name = percent_decode(pair.substr(0, eq), true);
      const auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                      : percent_decode(pair.substr(eq + 1), true);
      if (name && value && !name->empty()) out.emplace_back(*name, *value);
    }
    at = amp + 1;
  }
  return out;
}

std::optional<std::string> form_value(const FormFields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t semi = header.find(';', at);
    if (semi == std::string_view::npos) semi = header.size();
    const std::string_view pair = trim(header.substr(at, semi - at));
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
    at = semi + 1;
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> path_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> out;
  std::size_t at = 1;
  while (at <= path.size()) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view raw = path.substr(at, slash - at);
    if (!raw.empty()) {
      auto seg = percent_decode(raw, false);
      if (!seg || *seg == "." || *seg == ".." || seg->find('/') != std::string::npos)
        return std::nullopt;
      out.push_back(std::move(*seg));
    }
    at = slash + 1;
  }
  return out;
}

std::optional<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                                     std::string_view body) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (type != "multipart/form-data") return std::nullopt;
  const auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) return std::nullopt;
  const std::string delimiter = "--" + *boundary;
  std::vector<FormPart> parts;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return std::nullopt;
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return std::nullopt;
    FormPart part;
    bool named = false;
    std::string_view head = body.substr(at, head_end - at);
    while (!head.empty()) {
      std::size_t eol = head.find("\r\n");
      if (eol == std::string_view::npos) eol = head.size();
      const std::string_view line = head.substr(0, eol);
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(trim(line.substr(0, colon)));
        for (char& c : name)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == "content-disposition") {
          const std::string_view value = line.substr(colon + 1);
          if (auto n = header_parameter(value, "name")) {
            part.name = *n;
            named = true;
          }
          if (auto f = header_parameter(value, "filename")) part.filename = *f;
        }
      }
      head.remove_prefix(std::min(head.size(), eol + 2));
    }
    if (!named) return std::nullopt;
    const std::size_t content_start = head_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return std::nullopt;
    part.content = std::string(body.substr(content_start, next - content_start));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

}  // namespace rosterd
