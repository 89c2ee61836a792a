// A YAML node that knows where it came from (file, line, key path), so that every check of the
// configuration can say exactly which key is wrong.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

class YamlNode {
 public:
  YamlNode(YAML::Node node, std::string file, std::string path);

  const std::string& path() const { return path_; }
  int line() const;  // 1-based
  bool is_null() const { return !node_ || node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }

  // Throws ConfigError "FILE:LINE: PATH: message".
  [[noreturn]] void fail(const std::string& message) const;

  // REQUIRES the node to be a map; refuses any key not in `allowed`, naming the allowed ones.
  void expect_keys(std::initializer_list<std::string_view> allowed) const;
  // The child at `key` (a null node when absent, whose line is the parent's).
  YamlNode operator[](std::string_view key) const;
  // The keys of a map, in file order, as (key, child) pairs.
  std::vector<std::pair<std::string, YamlNode>> entries() const;
  std::vector<YamlNode> items() const;  // a sequence's items

  std::string as_string() const;
  // A finite number from `min` to `max`. YAML's .nan, .inf and -.inf (any spelling yaml-cpp reads
  // as a non-finite double) are refused: compared with anything they are false, so a limit set
  // to one would never trip. `what` names the range in the message ("a percentage").
  double as_number_in(double min, double max, std::string_view what = "a number") const;
  // A whole number from `min` to `max` (the message: "must be from MIN to MAX UNIT").
  long as_integer_in(long min, long max, std::string_view unit = "") const;
  bool as_bool() const;
  std::vector<std::string> as_string_list() const;
  // One of `choices`; the error lists them.
  std::string as_choice(std::initializer_list<std::string_view> choices) const;

 private:
  // A mapping key as text; fails (ConfigError) for a key that is a list, a mapping or null.
  std::string key_text(const YAML::Node& key) const;
  // Fails, naming both lines, when a mapping holds the same key twice: yaml-cpp keeps the first
  // silently (a test feed could shadow the live one of the same name).
  void refuse_repeated_keys() const;
  double as_number() const;
  long as_integer() const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  int parent_line_ = 0;
};

}  // namespace rosterd
