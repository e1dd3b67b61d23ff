// Fuzz target: the state file apply writes (a pending restart and the CA
// key's verification record, JSON), mosq::observe::parse_tool_state.
// Promises: any text gives a state, never an exception; a parsed state
// written back with render_tool_state reads back the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "observe/tool_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const mosq::observe::ToolState state = mosq::observe::parse_tool_state(text);
  const std::string written = mosq::observe::render_tool_state(state);
  const mosq::observe::ToolState again = mosq::observe::parse_tool_state(written);
  FUZZ_CHECK(again.pending_restart.has_value() == state.pending_restart.has_value());
  if (state.pending_restart) {
    FUZZ_CHECK(again.pending_restart->since == state.pending_restart->since);
    FUZZ_CHECK(again.pending_restart->since_boot == state.pending_restart->since_boot);
    FUZZ_CHECK(again.pending_restart->boot_id == state.pending_restart->boot_id);
    FUZZ_CHECK(again.pending_restart->reasons == state.pending_restart->reasons);
  }
  FUZZ_CHECK(again.verified_ca_key == state.verified_ca_key);
  FUZZ_CHECK(again.verified_keys == state.verified_keys);
  FUZZ_CHECK(mosq::observe::render_tool_state(again) == written);
  return 0;
}
