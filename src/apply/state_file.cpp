#include "apply/state_file.h"

#include "crypto/key_type.h"
#include "observe/key_file.h"
#include "observe/observe.h"
#include "observe/pki.h"
#include "observe/read_limits.h"
#include "util/error.h"

namespace mosq::apply {

void update_tool_state(FileSystem& fs, const Root& root,
                       const std::function<void(observe::ToolState&)>& change) {
  const HostPath path = root.state_file();
  ReadResult current = fs.read(path, observe::k_max_state_bytes, LastLink::not_followed);
  if (current.status != ReadStatus::ok && current.status != ReadStatus::missing) {
    throw Error(path.str() + ": cannot read the state file: " + current.error);
  }
  observe::ToolState state = current.status == ReadStatus::ok
                                 ? observe::parse_tool_state(current.content)
                                 : observe::ToolState{};
  change(state);
  if (current.status == ReadStatus::missing && state.empty()) return;  // nothing to keep
  const std::string text = observe::render_tool_state(state);
  if (current.status == ReadStatus::ok && current.content == text) return;
  fs.create_directories(path.sibling(parent_path(path.inside())), 0755);
  fs.write_atomic(path, text, FilePolicy{0644, std::nullopt, std::nullopt});
}

namespace {

// The record of a key this run opened (key->key set, type known).
observe::KeyRecord record_of(const std::string& path, const observe::LoadedKey& key, std::int64_t now) {
  return observe::KeyRecord{path, key.observed.file.digest, key.key->public_key_fingerprint(),
                            std::string(crypto::key_type_name(*key.observed.type)), now};
}

observe::KeyRecord record_of(const WrittenKey& key, std::int64_t now) {
  return observe::KeyRecord{key.path, key.file_sha256, key.public_key_sha256,
                            std::string(crypto::key_type_name(key.type)), now};
}

// The encrypted CA key's record, as the file now is on disk: what this run
// wrote there, when the file still holds it; else the old record
// when the file is unchanged and this run did not decrypt it; else the key
// this run opened with the passphrase (or opens now, when this run wrote
// it anew); nullopt when no key opens.
std::optional<observe::KeyRecord> ca_key_record(const observe::ResolvedSecrets& secrets, const FileSystem& fs,
                                                const Root& root, const std::optional<observe::KeyRecord>& old,
                                                const WrittenPki& written, std::int64_t now) {
  const std::string& path = secrets.ca_key->name;
  const std::string digest = observe::observe_file(fs, root, path, observe::k_max_pem_bytes, nullptr).digest;
  if (const WrittenKey* made = written.key(path); made && made->encrypted && made->file_sha256 == digest) {
    return record_of(*made, now);
  }
  const observe::LoadedKey* key = &secrets.ca_key->loaded;
  const bool unchanged = old && old->path == path && old->file_sha256 == digest;
  if (unchanged && (!key->key || key->observed.file.digest != digest)) return old;
  observe::LoadedKey reopened;
  if (key->observed.file.digest != digest || !key->key) {
    reopened = observe::observe_key(fs, root, path, &*secrets.ca_passphrase);
    key = &reopened;
  }
  if (!key->key || !key->observed.encrypted || !key->observed.type) return std::nullopt;
  return record_of(path, *key, now);
}

// A plain key file's record: what this run wrote there, when the file
// still holds it; else the key as it opens now (the old record when it
// holds the same key: when it was first recorded stays); nullopt when it
// does not open. With `trust_old`, an old record of the same file content
// is kept without opening the file again.
std::optional<observe::KeyRecord> plain_key_record(const FileSystem& fs, const Root& root, const std::string& path,
                                                   const observe::KeyRecord* old, bool trust_old,
                                                   const WrittenPki& written, std::int64_t now) {
  // The file is read for its digest only when this run wrote it.
  const WrittenKey* made = written.key(path);
  if (made && (made->encrypted ||
               made->file_sha256 != observe::observe_file(fs, root, path, observe::k_max_pem_bytes, nullptr).digest)) {
    made = nullptr;
  }
  std::optional<observe::LoadedKey> opened;
  if (!made) {
    opened = observe::observe_key(fs, root, path, nullptr, trust_old ? old : nullptr);
    if (opened->vouched()) return *old;
    if (!opened->key || opened->observed.encrypted || !opened->observed.type) return std::nullopt;
  }
  observe::KeyRecord record = made ? record_of(*made, now) : record_of(path, *opened, now);
  if (old && old->file_sha256 == record.file_sha256 && old->public_key_sha256 == record.public_key_sha256 &&
      old->key_type == record.key_type) {
    record.verified_at = old->verified_at;
  }
  return record;
}

// The CA certificate file the others' signatures are checked under: read
// once, parsed only when a record must be made anew (and not at all when it
// holds the certificate this run wrote there).
struct IssuerFile {
  std::string path;
  observe::ObservedFile file;
  std::string content;
  const WrittenPki* written = nullptr;  // set by record_verified_keys
  std::optional<crypto::Certificate> cert;
  bool tried = false;

  // The certificate this run wrote, when the file still holds it.
  const WrittenCertificate* made_here() const {
    const WrittenCertificate* made = written->certificate(path);
    return made && made->file_sha256 == file.digest ? made : nullptr;
  }
  const crypto::Certificate* parsed() {
    if (const WrittenCertificate* made = made_here()) return &made->cert;
    if (!tried && file.exists()) cert = crypto::Certificate::parse_pem(content, nullptr);
    tried = true;
    return cert ? &*cert : nullptr;
  }
};

// A certificate file's record: the file parsed now (or the certificate this
// run wrote there, when the file still holds it), its signature checked
// under the CA certificate (its own key, for the CA) unless this run wrote
// both; nullopt when it holds no certificate or there is no CA certificate.
// With `trust_old`, an old record of the same file and CA file is kept
// without parsing either.
std::optional<observe::CertificateRecord> certificate_record(const FileSystem& fs, const Root& root,
                                                             const std::string& path, IssuerFile& issuer,
                                                             bool is_ca, const observe::CertificateRecord* old,
                                                             bool trust_old, std::int64_t now) {
  std::string content;
  const observe::ObservedFile file = observe::observe_file(fs, root, path, observe::k_max_pem_bytes, &content);
  if (!file.exists() || !issuer.file.exists()) return std::nullopt;
  if (trust_old && old && old->file_sha256 == file.digest && old->issuer_sha256 == issuer.file.digest) return *old;
  const WrittenCertificate* made = issuer.written->certificate(path);
  if (made && made->file_sha256 != file.digest) made = nullptr;
  std::optional<crypto::Certificate> parsed;
  if (!made) parsed = crypto::Certificate::parse_pem(content, nullptr);
  if (!made && !parsed) return std::nullopt;
  const crypto::Certificate* cert = made ? &made->cert : &*parsed;
  const crypto::Certificate* signer = is_ca ? cert : issuer.parsed();
  observe::CertificateRecord record;
  record.path = path;
  record.file_sha256 = file.digest;
  record.issuer_sha256 = issuer.file.digest;
  // This run signed what it wrote with the CA key of the CA certificate it
  // also wrote: known, not checked again.
  const bool signed_here = made && (is_ca || issuer.made_here() != nullptr);
  record.signed_by_issuer = signed_here || (signer != nullptr && cert->signed_by(*signer));
  observe::CertificateContent read = observe::certificate_content(*cert, content);
  record.facts = std::move(read.facts);
  record.extra_content = read.extra_content;
  record.certificates_in_file = read.certificates_in_file;
  record.verified_at = old && old->file_sha256 == record.file_sha256 ? old->verified_at : now;
  return record;
}

}  // namespace

void record_verified_keys(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                          FileSystem& fs, const Root& root, std::int64_t now, RecordedKeys recorded,
                          const WrittenPki* written_or_null) {
  if (!spec.tls) return;
  const WrittenPki nothing_written;
  const WrittenPki& written = written_or_null != nullptr ? *written_or_null : nothing_written;
  const spec::Tls& tls = *spec.tls;
  std::vector<std::string> plain_keys{tls.server.key_path};
  for (const spec::ClientCertificateSpec& client : tls.clients) plain_keys.push_back(client.certificate.key_path);
  const bool ca_file = tls.ca.managed && secrets.ca_key && secrets.ca_key->origin == observe::CaKeyOrigin::file;
  if (ca_file && !tls.ca.passphrase_env) plain_keys.push_back(secrets.ca_key->name);
  update_tool_state(fs, root, [&](observe::ToolState& state) {
    // A run without the passphrase keeps the CA key's record it found.
    if (ca_file && tls.ca.passphrase_env && secrets.ca_passphrase) {
      state.verified_ca_key = ca_key_record(secrets, fs, root, state.verified_ca_key, written, now);
    }
    std::vector<observe::KeyRecord> records;
    for (const std::string& path : plain_keys) {
      if (auto record = plain_key_record(fs, root, path, state.key_record(path),
                                         recorded == RecordedKeys::trusted, written, now)) {
        records.push_back(std::move(*record));
      }
    }
    state.verified_keys = std::move(records);  // the keys this spec manages, no others

    IssuerFile issuer;
    issuer.path = tls.ca.cert_path;
    issuer.written = &written;
    issuer.file = observe::observe_file(fs, root, tls.ca.cert_path, observe::k_max_pem_bytes, &issuer.content);
    std::vector<std::pair<std::string, bool>> certificates{{tls.ca.cert_path, true}, {tls.server.cert_path, false}};
    for (const spec::ClientCertificateSpec& client : tls.clients) {
      certificates.emplace_back(client.certificate.cert_path, false);
    }
    std::vector<observe::CertificateRecord> certificate_records;
    for (const auto& [path, is_ca] : certificates) {
      if (auto record = certificate_record(fs, root, path, issuer, is_ca, state.certificate_record(path),
                                           recorded == RecordedKeys::trusted, now)) {
        certificate_records.push_back(std::move(*record));
      }
    }
    state.verified_certificates = std::move(certificate_records);
  });
}

}  // namespace mosq::apply
