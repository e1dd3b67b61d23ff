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

json render_name(const crypto::DistinguishedName& name) {
  json out = json::array();
  for (const crypto::NameAttribute& a : name) out.push_back({a.type, a.value});
  return out;
}

std::optional<crypto::DistinguishedName> parse_name(const json& v) {
  if (!v.is_array()) return std::nullopt;
  crypto::DistinguishedName name;
  for (const json& a : v) {
    if (!a.is_array() || a.size() != 2 || !a[0].is_string() || !a[1].is_string()) return std::nullopt;
    name.push_back({a[0].get<std::string>(), a[1].get<std::string>()});
  }
  return name;
}

json render_certificate_record(const CertificateRecord& r) {
  const crypto::CertificateFacts& f = r.facts;
  return {{"path", r.path},
          {"file_sha256", r.file_sha256},
          {"issuer_sha256", r.issuer_sha256},
          {"signed_by_issuer", r.signed_by_issuer},
          {"extra_content", r.extra_content},
          {"certificates_in_file", r.certificates_in_file},
          {"verified_at", r.verified_at},
          {"facts",
           {{"version", f.version},
            {"serial", f.serial_hex},
            {"subject", render_name(f.subject)},
            {"issuer", render_name(f.issuer)},
            {"subject_alt_names", f.subject_alt_names},
            {"not_before", f.not_before},
            {"not_after", f.not_after},
            {"is_ca", f.is_ca},
            {"key_cert_sign", f.has_key_cert_sign},
            {"server_auth", f.server_auth},
            {"client_auth", f.client_auth},
            {"public_key_sha256", f.public_key_fingerprint},
            {"key_description", f.key_description},
            {"sha256_fingerprint", f.sha256_fingerprint}}}};
}

// Every field present with its type, or no record: a record stands for
// what parsing the file would give, so a partial one vouches for nothing.
std::optional<CertificateRecord> parse_certificate_record(const json& v) {
  if (!v.is_object() || !v.contains("facts") || !v["facts"].is_object()) return std::nullopt;
  const json& f = v["facts"];
  auto is_string = [](const json& o, const char* k) { return o.contains(k) && o[k].is_string(); };
  auto is_bool = [](const json& o, const char* k) { return o.contains(k) && o[k].is_boolean(); };
  auto is_int = [](const json& o, const char* k) { return o.contains(k) && o[k].is_number_integer(); };
  for (const char* k : {"path", "file_sha256", "issuer_sha256"}) {
    if (!is_string(v, k) || v[k].get_ref<const std::string&>().empty()) return std::nullopt;
  }
  for (const char* k : {"serial", "public_key_sha256", "key_description", "sha256_fingerprint"}) {
    if (!is_string(f, k)) return std::nullopt;
  }
  for (const char* k : {"is_ca", "key_cert_sign", "server_auth", "client_auth"}) {
    if (!is_bool(f, k)) return std::nullopt;
  }
  if (!is_bool(v, "signed_by_issuer") || !is_bool(v, "extra_content") || !v.contains("certificates_in_file") ||
      !v["certificates_in_file"].is_number_unsigned() || !is_int(f, "version") || !is_int(f, "not_before") ||
      !is_int(f, "not_after") || !f.contains("subject_alt_names") || !f["subject_alt_names"].is_array()) {
    return std::nullopt;
  }
  CertificateRecord r;
  r.path = v["path"];
  r.file_sha256 = v["file_sha256"];
  r.issuer_sha256 = v["issuer_sha256"];
  r.signed_by_issuer = v["signed_by_issuer"];
  r.extra_content = v["extra_content"];
  r.certificates_in_file = v["certificates_in_file"].get<std::size_t>();
  if (is_int(v, "verified_at")) r.verified_at = v["verified_at"];
  auto subject = parse_name(f["subject"]);
  auto issuer = parse_name(f["issuer"]);
  if (!subject || !issuer) return std::nullopt;
  for (const json& san : f["subject_alt_names"]) {
    if (!san.is_string()) return std::nullopt;
    r.facts.subject_alt_names.push_back(san.get<std::string>());
  }
  r.facts.version = f["version"];
  r.facts.serial_hex = f["serial"];
  r.facts.subject = std::move(*subject);
  r.facts.issuer = std::move(*issuer);
  r.facts.not_before = f["not_before"];
  r.facts.not_after = f["not_after"];
  r.facts.is_ca = f["is_ca"];
  r.facts.has_key_cert_sign = f["key_cert_sign"];
  r.facts.server_auth = f["server_auth"];
  r.facts.client_auth = f["client_auth"];
  r.facts.public_key_fingerprint = f["public_key_sha256"];
  r.facts.key_description = f["key_description"];
  r.facts.sha256_fingerprint = f["sha256_fingerprint"];
  return r;
}

}  // namespace

const CertificateRecord* ToolState::certificate_record(const std::string& path) const {
  for (const CertificateRecord& record : verified_certificates) {
    if (record.path == path) return &record;
  }
  return nullptr;
}

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
  if (!state.verified_certificates.empty()) {
    json certificates = json::array();
    for (const CertificateRecord& record : state.verified_certificates) {
      certificates.push_back(render_certificate_record(record));
    }
    out["verified_certificates"] = std::move(certificates);
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
  if (auto it = parsed.find("verified_certificates"); it != parsed.end() && it->is_array()) {
    for (const auto& item : *it) {
      auto record = parse_certificate_record(item);
      if (record && !state.certificate_record(record->path)) {
        state.verified_certificates.push_back(std::move(*record));
      }
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
