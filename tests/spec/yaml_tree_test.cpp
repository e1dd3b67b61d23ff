#include "spec/yaml_tree.h"

#include <catch2/catch.hpp>

#include "spec/diagnostics.h"

namespace mosq::spec {

// Empty collections, and collections of one to three children, as yaml-cpp
// reads them (flow style is not the block reader's): each closes with the
// children it has. Under UBSan the empty ones once aborted (found by
// fuzz/spec_loader: an offset applied to an empty vector's iterator).
TEST_CASE("YAML tree: empty and small flow collections close with exactly their children", "[spec]") {
  YamlDocuments yaml;
  Diagnostics diagnostics("t.yaml");
  REQUIRE(yaml.parse("{}", diagnostics));
  REQUIRE(yaml.roots().size() == 1);
  CHECK(yaml.roots().front()->is_map());
  CHECK(yaml.roots().front()->entries.empty());

  YamlDocuments nested;
  REQUIRE(nested.parse("a: {}\nb: []\nc: {x: 1, y: [2, 3]}\nd: [{}, []]\n", diagnostics));
  REQUIRE(nested.roots().size() == 1);
  const YamlNode& root = *nested.roots().front();
  REQUIRE(root.entries.size() == 4);
  CHECK(root.entries[0].first->scalar == "a");
  CHECK(root.entries[0].second->is_map());
  CHECK(root.entries[0].second->entries.empty());
  CHECK(root.entries[1].second->is_sequence());
  CHECK(root.entries[1].second->items.empty());
  const YamlNode& c = *root.entries[2].second;
  REQUIRE(c.entries.size() == 2);
  CHECK(c.entries[0].first->scalar == "x");
  CHECK(c.entries[0].second->scalar == "1");
  REQUIRE(c.entries[1].second->items.size() == 2);
  CHECK(c.entries[1].second->items[1]->scalar == "3");
  const YamlNode& d = *root.entries[3].second;
  REQUIRE(d.items.size() == 2);
  CHECK(d.items[0]->is_map());
  CHECK(d.items[0]->entries.empty());
  CHECK(d.items[1]->is_sequence());
  CHECK(d.items[1]->items.empty());
}

}  // namespace mosq::spec
