#include "observe/tool_state.h"

#include <nlohmann/json.hpp>

#include "observe/read_limits.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<PendingRestart> parse_pending(const json& p) {
  if (!p.is_object()) return std::nullopt;
  PendingRestart pending;
  if (p.contains("since") && p["since"].is_number_integer()) pending.since = p["since"];
  if (p.contains("since_boot") && p["since_boot"].is_number()) pending.since_boot = p["since_boot"];
  pending.boot_id = string_field(p, "boot_id");
  if (p.contains("reasons") && p["reasons"].is_array()) {
    for (const auto& r : p["reasons"]) {
      if (r.is_string()) pending.reasons.push_back(r.get<std::string>());
    }
  }
  return pending;
}

std::optional<KeyRecord> parse_key_record(const json& v) {
  if (!v.is_object()) return std::nullopt;
  KeyRecord key;
  key.path = string_field(v, "path");
  key.file_sha256 = string_field(v, "file_sha256");
  key.public_key_sha256 = string_field(v, "public_key_sha256");
  key.key_type = string_field(v, "key_type");
  if (v.contains("verified_at") && v["verified_at"].is_number_integer()) key.verified_at = v["verified_at"];
  // A record missing any part vouches for nothing.
  if (key.path.empty() || key.file_sha256.empty() || key.public_key_sha256.empty() ||
      key.key_type.empty()) {
    return std::nullopt;
  }
  return key;
}

json render_key_record(const KeyRecord& v) {
  return {{"path", v.path},
          {"file_sha256", v.file_sha256},
          {"public_key_sha256", v.public_key_sha256},
          {"key_type", v.key_type},
          {"verified_at", v.verified_at}};
}

}  // namespace

const KeyRecord* ToolState::key_record(const std::string& path) const {
  for (const KeyRecord& record : verified_keys) {
    if (record.path == path) return &record;
  }
  return nullptr;
}

std::string render_tool_state(const ToolState& state) {
  json out = {{"format_version", 1}};
  if (const auto& p = state.pending_restart) {
    out["pending_restart"] = {{"since", p->since},
                              {"since_boot", p->since_boot},
                              {"boot_id", p->boot_id},
                              {"reasons", p->reasons}};
  }
  if (const auto& v = state.verified_ca_key) out["verified_ca_key"] = render_key_record(*v);
  if (!state.verified_keys.empty()) {
    json keys = json::array();
    for (const KeyRecord& record : state.verified_keys) keys.push_back(render_key_record(record));
    out["verified_keys"] = std::move(keys);
  }
  return out.dump(2) + "\n";
}

ToolState parse_tool_state(const std::string& text) {
  ToolState state;
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return state;
  if (auto it = parsed.find("pending_restart"); it != parsed.end()) state.pending_restart = parse_pending(*it);
  if (auto it = parsed.find("verified_ca_key"); it != parsed.end()) state.verified_ca_key = parse_key_record(*it);
  if (auto it = parsed.find("verified_keys"); it != parsed.end() && it->is_array()) {
    for (const auto& item : *it) {
      auto record = parse_key_record(item);
      // One record a path: a second one for the same file is dropped.
      if (record && !state.key_record(record->path)) state.verified_keys.push_back(std::move(*record));
    }
  }
  return state;
}

ToolState read_tool_state(const FileSystem& fs, const Root& root) {
  const HostPath path = root.state_file();
  ReadResult read = fs.read(path, k_max_state_bytes, LastLink::not_followed);
  if (read.status == ReadStatus::missing) return {};
  if (read.status != ReadStatus::ok) {
    throw Error(path.str() + ": cannot read the state file: " + read.error);
  }
  return parse_tool_state(read.content);
}

}  // namespace mosq::observe
