// Reading what a browser or a client sends: percent-encoding, query strings and form bodies,
// cookies, a path's segments, and multipart/form-data (a test file's upload). Every function
// takes hostile input: anything malformed yields a value that routes refuse, never a crash or an
// out-of-bounds read (fuzz/fuzz_console_request.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rosterd {

// Percent-decoding ('+' is a space when `plus_is_space`); nullopt for a malformed escape or a
// decoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Percent-encoding of everything but unreserved characters (RFC 3986).
std::string percent_encode(std::string_view text);

// "a=1&b=x+y": name and value pairs in order; a malformed pair is left out.
using FormFields = std::vector<std::pair<std::string, std::string>>;
FormFields parse_form(std::string_view text);
// The first value of `name`, if any.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);

// The value of cookie `name` in a Cookie header, if any.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

// "/runs/12/changes" -> {"runs", "12", "changes"}, each segment percent-decoded; nullopt when a
// segment does not decode, is "." or "..", or holds a '/' once decoded.
std::optional<std::vector<std::string>> path_segments(std::string_view path);

struct FormPart {
  std::string name;
  std::string filename;  // empty for a plain field
  std::string content;
};
// The parts of a multipart/form-data body, given its Content-Type header; nullopt when the
// header has no boundary or the body is not well formed.
std::optional<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                                     std::string_view body);

}  // namespace rosterd
