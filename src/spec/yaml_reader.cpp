#include "spec/yaml_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "spec/did_you_mean.h"
#include "spec/value_text.h"
#include "spec/yaml_scalar.h"
#include "util/root.h"

namespace mosq::spec {
namespace {

bool is_plain(const YamlNode& node) { return node.is_scalar() && node.tag == "?"; }

std::string describe(const YamlNode& node) {
  if (node.is_null()) {
    return "nothing";
  }
  if (node.is_map()) {
    return "a mapping";
  }
  if (node.is_sequence()) {
    return "a list";
  }
  return std::string(scalar_type_name(scalar_type(node)));
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& candidate : names) {
    if (candidate == name) {
      return true;
    }
  }
  return false;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) {
      text += ", ";
    }
    text += name;
  }
  return text;
}

}  // namespace

bool Locations::indexed() const {
  if (m_indexed == 0 && ++m_scans <= k_scans_before_index) return false;
  for (; m_indexed < m_marks.size(); ++m_indexed) {
    const std::string_view path = m_marks[m_indexed].first;
    m_first.emplace(path, m_marks[m_indexed].second);
    for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
      m_parents.insert(path.substr(0, dot));
    }
  }
  return true;
}

std::optional<Mark> Locations::find(std::string_view path) const {
  if (indexed()) {
    const auto it = m_first.find(path);
    if (it == m_first.end()) return std::nullopt;
    return it->second;
  }
  for (const auto& [recorded, mark] : m_marks) {
    if (recorded == path) return mark;
  }
  return std::nullopt;
}

bool Locations::has_fields_below(std::string_view path) const {
  if (indexed()) return m_parents.count(path) != 0;
  for (const auto& record : m_marks) {
    const std::string_view recorded = record.first;
    if (recorded.size() > path.size() && recorded[path.size()] == '.' &&
        recorded.compare(0, path.size(), path) == 0) {
      return true;
    }
  }
  return false;
}

Mark Locations::nearest(std::string_view path) const {
  std::string_view current = path;
  while (!current.empty()) {
    if (const auto mark = find(current)) {
      return *mark;
    }
    const auto cut = current.find_last_of(".[");
    if (cut == std::string_view::npos) {
      break;
    }
    current = current.substr(0, cut);
  }
  return Mark{1, 1};
}

Mark mark_of(const YamlNode& node) {
  if (node.line < 0) {
    return Mark{};
  }
  return Mark{node.line + 1, node.column + 1};
}

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  return parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

void YamlReader::error(const Located& at, std::string message) {
  m_diagnostics.add(at.value_mark, at.path, std::move(message));
}

void YamlReader::field_error(const Located& at, std::string message) {
  m_diagnostics.add(at.field_mark, at.path, std::move(message));
}

void YamlReader::error_at(Mark mark, std::string field, std::string message) {
  m_diagnostics.add(mark, std::move(field), std::move(message));
}

void YamlReader::type_error(const Located& at, std::string_view expected, bool wants_string) {
  const YamlNode& node = *at.node;
  std::string message = "expected " + std::string(expected) + ", got " + describe(node);
  if (node.is_scalar()) {
    const ScalarType type = scalar_type(node);
    if (wants_string && is_plain(node) && type != ScalarType::string && type != ScalarType::null) {
      message += " (YAML reads a plain " + node.scalar + " that way); quote it: \"" + node.scalar + "\"";
    } else if (!wants_string && type == ScalarType::string && !is_plain(node)) {
      message += "; write it without quotes";
    }
  }
  error(at, std::move(message));
}

std::optional<std::string> YamlReader::string(const Located& at) {
  if (!at.node->is_scalar() || scalar_type(*at.node) != ScalarType::string) {
    type_error(at, "a string", true);
    return std::nullopt;
  }
  // The one rule for every string of the spec (see value_text.h).
  if (const auto problem = value_text_problem(at.node->scalar)) {
    error(at, *problem);
    return std::nullopt;
  }
  return at.node->scalar;
}

std::optional<std::string> YamlReader::text(const Located& at) {
  auto value = string(at);
  if (value && value->empty()) {
    error(at, "must not be empty");
    return std::nullopt;
  }
  if (value && has_outer_space(*value)) {
    error(at, "must not start or end with a space (\"" + *value + "\")");
    return std::nullopt;
  }
  return value;
}

std::optional<long long> YamlReader::integer(const Located& at) {
  if (!at.node->is_scalar() || scalar_type(*at.node) != ScalarType::integer) {
    type_error(at, "an integer", false);
    return std::nullopt;
  }
  const std::string& text = at.node->scalar;
  // [-+]?(0|[1-9][0-9]*) by hand (no std::regex: it recursed per digit).
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  const bool all_digits =
      !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return is_ascii_digit(c); });
  if (!all_digits || (digits.size() > 1 && digits.front() == '0')) {
    error(at, "expected a decimal integer, got " + text.substr(0, 40));
    return std::nullopt;
  }
  if (digits.size() > 19) {
    error(at, "integer out of range (" + std::to_string(digits.size()) + " digits)");
    return std::nullopt;
  }
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) {
    error(at, "integer out of range: " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const Located& at) {
  if (!at.node->is_scalar() || scalar_type(*at.node) != ScalarType::boolean) {
    type_error(at, "a boolean (true or false)", false);
    return std::nullopt;
  }
  const auto value = parse_yaml_bool(at.node->scalar);
  if (!value) {
    error(at, "expected a boolean (true or false), got " + at.node->scalar);
  }
  return value;
}

std::optional<std::vector<Located>> YamlReader::list(const Located& at) {
  if (!at.node->is_sequence()) {
    type_error(at, "a list", false);
    return std::nullopt;
  }
  std::vector<Located> items;
  items.reserve(at.node->items.size());
  std::size_t index = 0;
  for (const YamlNode* item : at.node->items) {
    Located located{item, item_path(at.path, index), mark_of(*item), mark_of(*item)};
    if (located.field_mark.line == 0 || item->is_null()) {
      // An empty item ("- " alone) has no mark of its own.
      located.field_mark = at.value_mark;
      located.value_mark = at.value_mark;
    }
    m_locations.record(located.path, located.field_mark);
    items.push_back(std::move(located));
    ++index;
  }
  return items;
}

std::optional<std::string> YamlReader::one_of(const Located& at, const std::vector<std::string>& names) {
  if (!at.node->is_scalar() || scalar_type(*at.node) != ScalarType::string) {
    type_error(at, "one of " + join(names), true);
    return std::nullopt;
  }
  const std::string& value = at.node->scalar;
  for (const auto& name : names) {
    if (name == value) {
      return value;
    }
  }
  std::string message = "unknown value '" + value + "'; expected one of: " + join(names);
  constexpr std::size_t k_shortest_typo = 4;  // "3.0" is not a typo of "2.0"
  const auto suggestion = value.size() >= k_shortest_typo ? did_you_mean(value, names) : std::nullopt;
  if (suggestion) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  error(at, std::move(message));
  return std::nullopt;
}

std::optional<std::string> YamlReader::absolute_path(const Located& at) {
  auto value = text(at);
  if (value && value->front() != '/') {
    error(at, "must be an absolute path (starting with /), got " + *value);
    return std::nullopt;
  }
  // Used and compared in normal form; a ".." above / is reported by the
  // cross-field rules (rules.cpp), with every other file path.
  if (value) {
    return normalize_path(*value).value_or(*value);
  }
  return value;
}

MappingReader::MappingReader(YamlReader& reader, const Located& mapping, const std::vector<std::string>& known,
                             const std::vector<std::string>& refused)
    : m_reader(reader), m_mapping(mapping) {
  if (!mapping.node->is_map()) {
    reader.error(mapping, "expected a mapping, got " + describe(*mapping.node));
    return;
  }
  m_is_mapping = true;
  m_fields.reserve(mapping.node->entries.size());
  for (const auto& [key, value] : mapping.node->entries) {
    const Mark key_mark = mark_of(*key);
    if (!key->is_scalar()) {
      reader.error_at(key_mark, mapping.path, "expected a field name, got " + describe(*key));
      continue;
    }
    const std::string& name = key->scalar;
    std::string path = child_path(mapping.path, name);
    if (const Field* first = find(name)) {
      reader.error_at(key_mark, path,
                      "duplicate field (first at line " + std::to_string(first->located.field_mark.line) +
                          ", column " + std::to_string(first->located.field_mark.column) + ")");
      continue;
    }
    Located located{value, std::move(path), key_mark, mark_of(*value)};
    if (value->is_null() || located.value_mark.line == 0) {
      located.value_mark = key_mark;
    }
    if (!contains(known, name) && !contains(refused, name)) {
      std::string message;
      if (name == "<<") {
        message = "YAML merge keys (<<) are not supported; write the fields out";
      } else if (const auto suggestion = did_you_mean(name, known)) {
        message = "unknown field; did you mean '" + *suggestion + "'?";
      } else {
        message = "unknown field; expected one of: " + join(known);
      }
      reader.error_at(key_mark, located.path, std::move(message));
      m_fields.push_back({name, std::move(located), false});
    } else {
      reader.locations().record(located.path, key_mark);
      m_fields.push_back({name, std::move(located), true});
    }
    if (m_fields.size() > k_scanned_fields) {
      if (m_index.empty()) {
        for (std::size_t i = 0; i < m_fields.size(); ++i) m_index.emplace(m_fields[i].name, i);
      } else {
        m_index.emplace(name, m_fields.size() - 1);
      }
    }
  }
}

const MappingReader::Field* MappingReader::find(std::string_view key) const {
  if (!m_index.empty()) {
    const auto it = m_index.find(key);
    return it == m_index.end() ? nullptr : &m_fields[it->second];
  }
  for (const Field& field : m_fields) {
    if (field.name == key) return &field;
  }
  return nullptr;
}

const Located* MappingReader::optional(std::string_view key) const {
  const Field* field = find(key);
  if (field == nullptr || !field->known) {
    return nullptr;
  }
  return &field->located;
}

std::vector<Located> MappingReader::in_order() const {
  std::vector<Located> fields;
  for (const Field& field : m_fields) {
    if (field.known) fields.push_back(field.located);
  }
  return fields;
}

const Located* MappingReader::required(std::string_view key) const {
  const Located* field = optional(key);
  if (!field && m_is_mapping) {
    m_reader.error_at(m_mapping.value_mark, child_path(m_mapping.path, key), "missing required field");
  }
  return field;
}

}  // namespace mosq::spec
