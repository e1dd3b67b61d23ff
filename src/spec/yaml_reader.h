// Typed, located access to the YAML tree. Every read that finds the wrong
// shape reports a diagnostic ("expected an integer, got a string") at the
// value's line and column, with its field path, and returns nullopt, so the
// loader carries on and reports every problem in one run.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "spec/diagnostics.h"
#include "spec/spec.h"
#include "spec/yaml_tree.h"

namespace mosq::spec {

// A node (never null; owned by the YamlDocuments being read), its field
// path ("users[1].name") and where it is written.
struct Located {
  const YamlNode* node;
  std::string path;
  Mark field_mark;  // the key of a mapping entry, or the list item itself
  Mark value_mark;  // the value (the key's mark when the value is empty)
};

// Where each field that was present starts (its key), by field path, so the
// cross-field rules can point at the right line.
//
// Recording is an append: 10,000 users record 30,000 paths and the rules
// ask about a few of them. The first few questions scan the records; after
// those, the records are indexed by hash, so any number of questions stays
// linear in the records.
class Locations {
 public:
  Locations() = default;
  Locations(const Locations&) = delete;  // the index holds views of these records
  Locations& operator=(const Locations&) = delete;

  // A path recorded again keeps its first mark.
  void record(const std::string& path, Mark mark) { m_marks.emplace_back(path, mark); }
  std::optional<Mark> find(std::string_view path) const;
  bool has(std::string_view path) const { return find(path).has_value(); }
  // Whether any field below path was present ("users[1]" has "users[1].name").
  bool has_fields_below(std::string_view path) const;
  // The mark of path, else of the nearest recorded parent ("a.b[2].c" ->
  // "a.b[2]" -> "a.b" -> "a"), else line 1.
  Mark nearest(std::string_view path) const;

 private:
  static constexpr int k_scans_before_index = 8;
  // False while questions are answered by scanning; else the index is up to date.
  bool indexed() const;

  std::deque<std::pair<std::string, Mark>> m_marks;  // in the order recorded; never moved
  mutable int m_scans = 0;
  mutable std::size_t m_indexed = 0;  // records in the index
  mutable std::unordered_map<std::string_view, Mark> m_first;
  // Every prefix of a record that ends before a '.': the paths with fields below.
  mutable std::unordered_set<std::string_view> m_parents;
};

Mark mark_of(const YamlNode& node);
std::string child_path(const std::string& parent, std::string_view key);
std::string item_path(const std::string& parent, std::size_t index);

class YamlReader {
 public:
  YamlReader(Diagnostics& diagnostics, Locations& locations)
      : m_diagnostics(diagnostics), m_locations(locations) {}

  Diagnostics& diagnostics() { return m_diagnostics; }
  Locations& locations() { return m_locations; }

  // At the value / at the field's key.
  void error(const Located& at, std::string message);
  void field_error(const Located& at, std::string message);
  void error_at(Mark mark, std::string field, std::string message);

  std::optional<std::string> string(const Located& at);
  // A string that is not empty.
  std::optional<std::string> text(const Located& at);
  std::optional<long long> integer(const Located& at);
  std::optional<bool> boolean(const Located& at);
  // The items, each located (and recorded) as "path[i]".
  std::optional<std::vector<Located>> list(const Located& at);
  // One of `names` (listed in the message when it is not).
  std::optional<std::string> one_of(const Located& at, const std::vector<std::string>& names);
  // A string starting with '/'.
  std::optional<std::string> absolute_path(const Located& at);

 private:
  void type_error(const Located& at, std::string_view expected, bool wants_string);

  Diagnostics& m_diagnostics;
  Locations& m_locations;
};

// The fields of one mapping. Construction reports a value that is not a
// mapping, unknown keys (with a suggestion among `known`) and duplicate keys.
// `refused` keys are not reported as unknown (the caller explains why they
// are refused) and are never suggested.
class MappingReader {
 public:
  // `known` and `refused` are read here only (a reader of many mappings of
  // one kind passes the same vectors each time).
  MappingReader(YamlReader& reader, const Located& mapping, const std::vector<std::string>& known,
                const std::vector<std::string>& refused = {});

  // False when the value was not a mapping (already reported).
  bool is_mapping() const { return m_is_mapping; }
  const Located& located() const { return m_mapping; }

  // The field, or null; valid while this reader lives.
  const Located* optional(std::string_view key) const;
  // Reports "missing required field" at the mapping when absent.
  const Located* required(std::string_view key) const;
  // The known fields present, in the order written.
  std::vector<Located> in_order() const;

 private:
  YamlReader& m_reader;
  Located m_mapping;
  bool m_is_mapping = false;
  struct Field {
    std::string_view name;  // the key's text, owned by the tree being read
    Located located;
    bool known;  // an unknown field is kept only to report its duplicates once
  };
  const Field* find(std::string_view key) const;

  // In the order written; a mapping has a handful of fields, so a scan
  // beats a tree (10,000 users: a tree of strings a user). A mapping with
  // more (a hostile spec's thousands of unknown keys) is also indexed by
  // hash, so reading it stays linear.
  static constexpr std::size_t k_scanned_fields = 16;
  std::vector<Field> m_fields;
  std::unordered_map<std::string_view, std::size_t> m_index;  // name -> m_fields index
};

}  // namespace mosq::spec
