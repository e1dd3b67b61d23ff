#include "spec/yaml_scalar.h"

#include <array>

#include "spec/yaml_tree.h"

namespace mosq::spec {
namespace {

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";

// PyYAML's implicit resolvers (yaml/resolver.py), matched by hand on the
// whole text: a std::regex here recursed once per character and overflowed
// the stack on a 50,000-digit scalar. A Cursor walks the text once;
// every matcher below is linear.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : m_text(text) {}
  bool done() const { return m_pos == m_text.size(); }
  std::size_t pos() const { return m_pos; }
  void reset(std::size_t pos) { m_pos = pos; }
  bool peek(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++m_pos;
    return true;
  }
  bool take_any(std::string_view chars) {
    if (m_pos < m_text.size() && chars.find(m_text[m_pos]) != std::string_view::npos) {
      ++m_pos;
      return true;
    }
    return false;
  }
  // Takes the longest run of chars; how many were taken.
  std::size_t take_run(std::string_view chars) {
    std::size_t start = m_pos;
    while (take_any(chars)) {
    }
    return m_pos - start;
  }
  bool take_word(std::string_view word) {
    if (m_text.substr(m_pos, word.size()) != word) return false;
    m_pos += word.size();
    return true;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

constexpr std::string_view k_digits = "0123456789";
constexpr std::string_view k_digits_ = "0123456789_";

// (?::[0-5]?[0-9])+ : one or more sexagesimal groups.
bool take_sexagesimal(Cursor& c) {
  std::size_t groups = 0;
  while (c.peek(':')) {
    const std::size_t at = c.pos();
    c.take(':');
    const std::size_t digits = c.take_run(k_digits);
    // [0-5]?[0-9]: one digit, or two with the first 0-5.
    if (digits == 0 || digits > 2) {
      c.reset(at);
      return false;
    }
    if (digits == 2) {
      c.reset(c.pos() - 2);
      if (!c.take_any("012345")) {
        c.reset(at);
        return false;
      }
      c.take_any(k_digits);
    }
    ++groups;
  }
  return groups > 0;
}

// (?:[eE][-+][0-9]+)?
bool take_optional_exponent(Cursor& c) {
  const std::size_t at = c.pos();
  if (!c.take_any("eE")) return true;
  if (c.take_any("-+") && c.take_run(k_digits) > 0) return true;
  c.reset(at);
  return false;
}

bool is_int(std::string_view text) {
  Cursor c(text);
  c.take_any("-+");
  const std::size_t body = c.pos();
  if (c.take_word("0b")) return c.take_run("01_") > 0 && c.done();
  c.reset(body);
  if (c.take_word("0x")) return c.take_run("0123456789abcdefABCDEF_") > 0 && c.done();
  c.reset(body);
  if (c.take('0')) {
    // "0" alone, or octal 0[0-7_]+
    return c.done() || (c.take_run("01234567_") > 0 && c.done());
  }
  if (!c.take_any("123456789")) return false;
  c.take_run(k_digits_);
  if (c.done()) return true;
  return take_sexagesimal(c) && c.done();
}

bool is_float(std::string_view text) {
  Cursor c(text);
  // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?, \.(?:nan|NaN|NAN), and \.inf unsigned
  if (c.take('.')) {
    if (c.take_any(k_digits)) {
      c.take_run(k_digits_);
      return take_optional_exponent(c) && c.done();
    }
    return (c.take_word("nan") || c.take_word("NaN") || c.take_word("NAN") || c.take_word("inf") ||
            c.take_word("Inf") || c.take_word("INF")) &&
           c.done();
  }
  c.take_any("-+");
  // [-+]?\.(?:inf|Inf|INF)
  if (c.take('.')) return (c.take_word("inf") || c.take_word("Inf") || c.take_word("INF")) && c.done();
  // [-+]?[0-9][0-9_]*  then  \.[0-9_]*(?:[eE][-+][0-9]+)?  or  sexagesimal \.[0-9_]*
  if (!c.take_any(k_digits)) return false;
  c.take_run(k_digits_);
  bool sexagesimal = false;
  if (c.peek(':')) {
    if (!take_sexagesimal(c)) return false;
    sexagesimal = true;
  }
  if (!c.take('.')) return false;
  c.take_run(k_digits_);
  if (sexagesimal) return c.done();
  return take_optional_exponent(c) && c.done();
}

// [0-9]{min,max}
bool take_digits(Cursor& c, std::size_t min, std::size_t max) {
  const std::size_t at = c.pos();
  const std::size_t n = c.take_run(k_digits);
  if (n < min || n > max) {
    c.reset(at);
    return false;
  }
  return true;
}

bool is_timestamp(std::string_view text) {
  Cursor c(text);
  if (!take_digits(c, 4, 4) || !c.take('-')) return false;
  const std::size_t month = c.pos();
  // [0-9]{4}-[0-9]{2}-[0-9]{2}
  if (take_digits(c, 2, 2) && c.take('-') && take_digits(c, 2, 2) && c.done()) return true;
  c.reset(month);
  if (!take_digits(c, 1, 2) || !c.take('-') || !take_digits(c, 1, 2)) return false;
  if (!c.take_any("Tt") && c.take_run(" \t") == 0) return false;
  if (!take_digits(c, 1, 2) || !c.take(':') || !take_digits(c, 2, 2) || !c.take(':') ||
      !take_digits(c, 2, 2)) {
    return false;
  }
  if (c.take('.')) c.take_run(k_digits);
  if (c.done()) return true;
  c.take_run(" \t");
  if (c.take('Z')) return c.done();
  if (!c.take_any("-+") || !take_digits(c, 1, 2)) return false;
  if (c.take(':') && !take_digits(c, 2, 2)) return false;
  return c.done();
}

}  // namespace

std::optional<bool> parse_yaml_bool(std::string_view text) {
  static constexpr std::array<std::string_view, 9> k_true{"yes", "Yes", "YES", "true", "True",
                                                         "TRUE", "on",  "On",  "ON"};
  static constexpr std::array<std::string_view, 9> k_false{"no",    "No",    "NO",  "false", "False",
                                                          "FALSE", "off",   "Off", "OFF"};
  for (const auto word : k_true) {
    if (text == word) {
      return true;
    }
  }
  for (const auto word : k_false) {
    if (text == word) {
      return false;
    }
  }
  return std::nullopt;
}

ScalarType resolve_plain_scalar(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return ScalarType::null;
  }
  if (parse_yaml_bool(text)) {
    return ScalarType::boolean;
  }
  if (is_int(text)) {
    return ScalarType::integer;
  }
  if (is_float(text)) {
    return ScalarType::floating;
  }
  if (is_timestamp(text)) {
    return ScalarType::timestamp;
  }
  return ScalarType::string;
}

ScalarType scalar_type(const YamlNode& node) {
  if (node.is_null()) {
    return ScalarType::null;
  }
  const std::string& tag = node.tag;
  if (tag == "?") {
    return resolve_plain_scalar(node.scalar);
  }
  if (tag == "!" || tag.empty()) {
    return ScalarType::string;
  }
  if (tag.compare(0, k_tag_prefix.size(), k_tag_prefix) == 0) {
    const std::string_view kind = std::string_view(tag).substr(k_tag_prefix.size());
    if (kind == "str") {
      return ScalarType::string;
    }
    if (kind == "int") {
      return ScalarType::integer;
    }
    if (kind == "float") {
      return ScalarType::floating;
    }
    if (kind == "bool") {
      return ScalarType::boolean;
    }
    if (kind == "null") {
      return ScalarType::null;
    }
    if (kind == "timestamp") {
      return ScalarType::timestamp;
    }
  }
  return ScalarType::unsupported_tag;
}

std::string_view scalar_type_name(ScalarType type) {
  switch (type) {
    case ScalarType::null:
      return "nothing (null)";
    case ScalarType::boolean:
      return "a boolean";
    case ScalarType::integer:
      return "an integer";
    case ScalarType::floating:
      return "a number";
    case ScalarType::string:
      return "a string";
    case ScalarType::timestamp:
      return "a date";
    case ScalarType::unsupported_tag:
      return "a value with an unsupported tag";
  }
  return "a value";
}

}  // namespace mosq::spec
