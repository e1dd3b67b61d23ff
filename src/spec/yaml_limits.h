// Bounded work on any spec text. Before the YAML is turned into a tree, one
// pass over its events refuses what would make the tree or its walk
// unbounded: too many nodes once aliases are expanded (an alias bomb: a
// 4 MB file of a million aliases took 1.2 GB and 16 s), too many aliases,
// nesting deeper than any spec needs (each level costs stack), or a parse
// that makes no progress (yaml-cpp 0.7 on a ',' starting a document).
#pragma once

#include <cstddef>
#include <string>

#include "spec/diagnostics.h"

namespace mosq::spec {

struct YamlLimits {
  std::size_t max_nodes = 2'000'000;  // after alias expansion: 100,000 users fit
  std::size_t max_aliases = 10'000;
  std::size_t max_depth = 64;
};

// Adds one located diagnostic (at the node that crossed a limit, or where
// the parse is stuck) and returns false when the text exceeds a limit or
// would never finish parsing; true otherwise (other malformed YAML
// included: the real parse reports that).
bool check_yaml_limits(const std::string& yaml_text, Diagnostics& diagnostics,
                       const YamlLimits& limits = {});

}  // namespace mosq::spec
