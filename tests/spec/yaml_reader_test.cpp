#include "spec/yaml_reader.h"

#include <catch2/catch.hpp>

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

}  // namespace mosq::spec
