// The spec's YAML as a tree of our own, built in one pass over yaml-cpp's
// parse events (yaml-cpp's node tree cost two thirds of the parse), with
// bounds on the work any text can cause. A node holds what yaml-cpp's
// YAML::Node held for the reader: kind, tag, text, mark and children.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "spec/diagnostics.h"

namespace mosq::spec {

struct YamlNode {
  enum class Kind : unsigned char { null, scalar, sequence, map };
  using Entry = std::pair<const YamlNode*, const YamlNode*>;  // key, value

  Kind kind = Kind::null;
  // As yaml-cpp's events give it: "?" for a plain scalar (and an untagged
  // collection), "!" for a quoted or block scalar, else the explicit tag
  // resolved ("tag:yaml.org,2002:str" for !!str); "" for a null.
  std::string tag;
  std::string scalar;  // a scalar's text; "" otherwise
  // Where it starts (a collection: its first token), as yaml-cpp's Mark:
  // 0-based, -1 when unknown.
  int line = -1;
  int column = -1;
  std::vector<const YamlNode*> items;  // a sequence's
  std::vector<Entry> entries;          // a mapping's, as written, duplicate keys kept

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }
  // Items or entries; 0 for a scalar or a null.
  std::size_t size() const { return kind == Kind::map ? entries.size() : items.size(); }
};

// Bounded work on any spec text: parsing refuses what would make the tree
// or its walk unbounded: too many nodes once aliases are expanded (an
// alias bomb: a 4 MB file of a million aliases took 1.2 GB and 16 s in
// yaml-cpp's tree), too many aliases, nesting deeper than any spec needs
// (each level costs stack), or a parse that makes no progress (yaml-cpp
// 0.7 on a ',' starting a document).
struct YamlLimits {
  std::size_t max_nodes = 2'000'000;  // after alias expansion: 100,000 users fit
  std::size_t max_aliases = 10'000;
  std::size_t max_depth = 64;
};

// Every document of a YAML text. An alias is the very node its anchor
// names, shared, not copied (so `&a [*a]` is a list that holds itself).
// The nodes live as long as this object, which therefore neither copies
// nor moves.
class YamlDocuments {
 public:
  YamlDocuments() = default;
  YamlDocuments(const YamlDocuments&) = delete;
  YamlDocuments& operator=(const YamlDocuments&) = delete;

  // Parses the text, replacing any earlier documents. False, with one
  // located diagnostic, when the text is not YAML, crosses a limit or
  // would never finish parsing.
  bool parse(const std::string& yaml_text, Diagnostics& diagnostics, const YamlLimits& limits = {});

  // One root per document, in order (a null for an empty document).
  const std::vector<const YamlNode*>& roots() const { return m_roots; }

 private:
  std::deque<YamlNode> m_nodes;  // a deque: adding a node moves none
  std::vector<const YamlNode*> m_roots;
};

}  // namespace mosq::spec
