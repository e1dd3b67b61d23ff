// Fuzz target: the spec's fast YAML reader, mosq::spec::read_block_yaml.
// Promise: for every text it reads, its events (kinds, tags, text, marks,
// styles) are exactly yaml-cpp's; a text outside its subset gives no event
// and is yaml-cpp's to read.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "support/yaml_event_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  mosq::test::YamlEventLog log;
  if (!mosq::spec::read_block_yaml(yaml, log)) {
    FUZZ_CHECK(log.text().empty());
    return 0;
  }
  const auto expected = mosq::test::yaml_cpp_events(yaml);
  FUZZ_CHECK(expected.has_value());
  FUZZ_CHECK(*expected == log.text());
  return 0;
}
