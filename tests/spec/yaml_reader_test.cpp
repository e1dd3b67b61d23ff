#include "spec/yaml_reader.h"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace mosq::spec {

TEST_CASE("Locations: the first mark of a path, its fields below, the nearest recorded parent", "[spec]") {
  Locations locations;
  locations.record("tls.ca.subject.CN", Mark{7, 5});
  locations.record("users[12].name", Mark{30, 7});
  locations.record("users[12].name", Mark{99, 1});  // recorded again: the first stays
  locations.record("listeners[0]", Mark{20, 5});

  CHECK(locations.find("users[12].name")->line == 30);
  CHECK_FALSE(locations.find("users[12]"));
  CHECK(locations.has("listeners[0]"));
  CHECK_FALSE(locations.has("listeners"));

  // Fields below: a recorded path that continues the given one with '.'.
  CHECK(locations.has_fields_below("tls"));
  CHECK(locations.has_fields_below("tls.ca"));
  CHECK(locations.has_fields_below("tls.ca.subject"));
  CHECK(locations.has_fields_below("users[12]"));
  CHECK_FALSE(locations.has_fields_below("users"));  // "users[12]..." continues with '[', not '.'
  CHECK_FALSE(locations.has_fields_below("tls.ca.subject.CN"));
  CHECK_FALSE(locations.has_fields_below("listeners[0]"));
  CHECK_FALSE(locations.has_fields_below("tl"));  // a prefix of a name is not a parent

  CHECK(locations.nearest("users[12].name").line == 30);
  CHECK(locations.nearest("users[12].name.x[3]").line == 30);
  CHECK(locations.nearest("listeners[0].port").line == 20);
  CHECK(locations.nearest("nowhere.at.all").line == 1);
}

// The first questions scan the records, later ones use an index: each
// question gets the same answer either way, including records made after
// the index was built.
TEST_CASE("Locations: the same answers from a scan and from the index", "[spec]") {
  const std::vector<std::pair<std::string, Mark>> records{
      {"broker", Mark{2, 1}},          {"broker.config_file", Mark{3, 3}}, {"users[0]", Mark{10, 3}},
      {"users[0].name", Mark{10, 5}},  {"users[0].acl[1]", Mark{12, 7}},   {"users[0].name", Mark{90, 1}},
      {"a.b.c", Mark{40, 1}},          {"listeners[3]", Mark{50, 3}},      {"x.y", Mark{60, 1}},
  };
  const std::vector<std::string> questions{"broker", "broker.config_file", "users", "users[0]", "users[0].name",
                                           "users[0].acl", "users[0].acl[1]", "a", "a.b", "a.b.c", "a.b.c.d",
                                           "listeners[3]", "listeners", "x", "x.y", "", "nowhere"};
  auto fill = [&](Locations& locations, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) locations.record(records[i].first, records[i].second);
  };
  auto answer = [](const Locations& locations, const std::string& q) {
    const auto mark = locations.find(q);
    const Mark near = locations.nearest(q);
    return std::make_tuple(mark ? mark->line : -1, locations.has_fields_below(q), near.line, near.column);
  };
  // Half the records, many questions (the index is built), then the rest.
  Locations asked_often;
  fill(asked_often, records.size() / 2);
  for (int round = 0; round < 3; ++round) {
    for (const auto& q : questions) (void)answer(asked_often, q);
  }
  for (std::size_t i = records.size() / 2; i < records.size(); ++i) {
    asked_often.record(records[i].first, records[i].second);
  }
  for (const auto& q : questions) {
    Locations fresh;  // one question: answered by a scan
    fill(fresh, records.size());
    INFO(q);
    CHECK(answer(asked_often, q) == answer(fresh, q));
  }
  CHECK(asked_often.find("users[0].name")->line == 10);
  CHECK(asked_often.has_fields_below("a.b"));
  CHECK_FALSE(asked_often.has_fields_below("users[0].acl"));  // "acl[1]" continues with '['
}

}  // namespace mosq::spec
