#include "apply/state_file.h"

#include "crypto/key_type.h"
#include "observe/key_file.h"
#include "observe/observe.h"
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

void record_verified_ca_key(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                            FileSystem& fs, const Root& root, std::int64_t now) {
  if (!spec.tls || !spec.tls->ca.managed || !spec.tls->ca.passphrase_env) return;
  if (!secrets.ca_passphrase || !secrets.ca_key) return;
  if (secrets.ca_key->origin != observe::CaKeyOrigin::file) return;
  const std::string& path = secrets.ca_key->name;
  // The key as it is on disk now: what observe opened, unless this run
  // wrote it anew (then opened again, with the same passphrase).
  const std::string digest = observe::observe_file(fs, root, path, observe::k_max_pem_bytes, nullptr).digest;
  const observe::LoadedKey* key = &secrets.ca_key->loaded;
  observe::LoadedKey reopened;
  if (key->observed.file.digest != digest || !key->key) {
    reopened = observe::observe_key(fs, root, path, &*secrets.ca_passphrase);
    key = &reopened;
  }
  if (!key->key || !key->observed.encrypted || !key->observed.type) return;
  update_tool_state(fs, root, [&](observe::ToolState& state) {
    const auto& old = state.verified_ca_key;
    // The same file as recorded: nothing to compute; the state is unchanged,
    // so nothing is written (a no-op run).
    if (old && old->path == path && old->file_sha256 == key->observed.file.digest) return;
    observe::VerifiedCaKey record;
    record.path = path;
    record.file_sha256 = key->observed.file.digest;
    record.public_key_sha256 = key->key->public_key_fingerprint();
    record.key_type = std::string(crypto::key_type_name(*key->observed.type));
    record.verified_at = now;
    state.verified_ca_key = record;
  });
}

}  // namespace mosq::apply
