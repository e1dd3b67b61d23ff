#include "observe/tool_state.h"

#include <nlohmann/json.hpp>

#include <type_traits>

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

// The member `key` of an object, or null when absent (never operator[] on
// a const json: a missing key there is undefined behaviour).
const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() ? &*it : nullptr;
}

std::optional<crypto::DistinguishedName> parse_name(const json* v) {
  if (v == nullptr || !v->is_array()) return std::nullopt;
  crypto::DistinguishedName name;
  for (const json& a : *v) {
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
  const json* f = member(v, "facts");
  if (f == nullptr || !f->is_object()) return std::nullopt;
  auto text = [](const json& o, const char* k, std::string& out) {
    const json* m = member(o, k);
    if (m == nullptr || !m->is_string()) return false;
    out = m->get<std::string>();
    return true;
  };
  auto flag = [](const json& o, const char* k, bool& out) {
    const json* m = member(o, k);
    if (m == nullptr || !m->is_boolean()) return false;
    out = m->get<bool>();
    return true;
  };
  auto integer = [](const json& o, const char* k, auto& out) {
    const json* m = member(o, k);
    if (m == nullptr || !m->is_number_integer()) return false;
    out = m->get<std::decay_t<decltype(out)>>();
    return true;
  };
  CertificateRecord r;
  crypto::CertificateFacts& facts = r.facts;
  const json* count = member(v, "certificates_in_file");
  const json* sans = member(*f, "subject_alt_names");
  if (!text(v, "path", r.path) || !text(v, "file_sha256", r.file_sha256) ||
      !text(v, "issuer_sha256", r.issuer_sha256) || r.path.empty() || r.file_sha256.empty() ||
      r.issuer_sha256.empty() || !flag(v, "signed_by_issuer", r.signed_by_issuer) ||
      !flag(v, "extra_content", r.extra_content) || count == nullptr || !count->is_number_unsigned() ||
      !text(*f, "serial", facts.serial_hex) || !text(*f, "public_key_sha256", facts.public_key_fingerprint) ||
      !text(*f, "key_description", facts.key_description) ||
      !text(*f, "sha256_fingerprint", facts.sha256_fingerprint) || !flag(*f, "is_ca", facts.is_ca) ||
      !flag(*f, "key_cert_sign", facts.has_key_cert_sign) || !flag(*f, "server_auth", facts.server_auth) ||
      !flag(*f, "client_auth", facts.client_auth) || !integer(*f, "version", facts.version) ||
      !integer(*f, "not_before", facts.not_before) || !integer(*f, "not_after", facts.not_after) ||
      sans == nullptr || !sans->is_array()) {
    return std::nullopt;
  }
  r.certificates_in_file = count->get<std::size_t>();
  integer(v, "verified_at", r.verified_at);  // for people: may be absent
  auto subject = parse_name(member(*f, "subject"));
  auto issuer = parse_name(member(*f, "issuer"));
  if (!subject || !issuer) return std::nullopt;
  facts.subject = std::move(*subject);
  facts.issuer = std::move(*issuer);
  for (const json& san : *sans) {
    if (!san.is_string()) return std::nullopt;
    facts.subject_alt_names.push_back(san.get<std::string>());
  }
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
