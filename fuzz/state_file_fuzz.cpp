// Fuzz target: the state file apply writes (a pending restart, JSON),
// mosq::observe::parse_state. Promises: any text gives a PendingRestart or
// nullopt, never an exception; a parsed record written back with
// render_state reads back the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "observe/broker_process.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto pending = mosq::observe::parse_state(text);
  if (!pending) {
    return 0;
  }
  const std::string written = mosq::observe::render_state(pending);
  const auto again = mosq::observe::parse_state(written);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->since == pending->since);
  FUZZ_CHECK(again->since_boot == pending->since_boot);
  FUZZ_CHECK(again->boot_id == pending->boot_id);
  FUZZ_CHECK(again->reasons == pending->reasons);
  FUZZ_CHECK(mosq::observe::render_state(again) == written);
  return 0;
}
