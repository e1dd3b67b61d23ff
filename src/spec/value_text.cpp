#include "spec/value_text.h"

#include <cstdio>

namespace mosq::spec {
namespace {

// The code point starting at value[i] and its length, or nullopt when the
// bytes there are not well-formed UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included).
struct CodePoint {
  char32_t value;
  std::size_t length;
};

std::optional<CodePoint> decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return CodePoint{lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + length > text.size()) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return std::nullopt;
  }
  return CodePoint{value, length};
}

std::string code_point_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  std::string name = buf;
  switch (c) {
    case U'\n': return name + ", a line break";
    case U'\r': return name + ", a carriage return";
    case U'\t': return name + ", a tab";
    case U'\0': return name + ", NUL";
    default: return name;
  }
}

}  // namespace

std::optional<std::string> value_text_problem(std::string_view value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    return "longer than " + std::to_string(max_bytes) + " bytes (" + std::to_string(value.size()) + ")";
  }
  for (std::size_t i = 0; i < value.size();) {
    const auto point = decode_utf8(value, i);
    if (!point) return "not valid UTF-8 (at byte " + std::to_string(i + 1) + ")";
    const char32_t c = point->value;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      return "a control character (" + code_point_name(c) + ") at byte " + std::to_string(i + 1) +
             " is refused: it could end a line of the files this value is written to";
    }
    i += point->length;
  }
  return std::nullopt;
}

bool has_outer_space(std::string_view value) {
  return !value.empty() && (value.front() == ' ' || value.back() == ' ');
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool only_alnum_or(std::string_view value, std::string_view extra) {
  for (const char c : value) {
    if (!is_ascii_digit(c) && !is_ascii_letter(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace mosq::spec
